"""The one translated vocabulary of themes shared by twinnings, projects, discussions,
practices, calls and the search facets.

Themes are stored as a space-separated list of codes in one column: every content type gets
the same storage and the same filter, on SQLite and PostgreSQL alike, without a join table
per type. Codes never contain spaces.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, literal
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

THEMES = {
    "governance": _l("Governance"),
    "open-data": _l("Open data"),
    "digital-services": _l("Digital services"),
    "mobility": _l("Mobility"),
    "tourism-culture": _l("Tourism and culture"),
    "commerce": _l("Commerce"),
    "energy-environment": _l("Energy and environment"),
    "social-inclusion": _l("Social inclusion"),
    "civic-participation": _l("Civic participation and social gaming"),
    "safety-emergency": _l("Safety and emergency"),
    "training-skills": _l("Training and skills"),
}


def theme_choices():
    return [(code, label) for code, label in THEMES.items()]


class ThemesMixin:
    @declared_attr
    def themes(cls) -> Mapped[str]:
        return mapped_column(String(400), default="", server_default="")

    @property
    def theme_codes(self) -> list[str]:
        return [code for code in (self.themes or "").split() if code in THEMES]

    @theme_codes.setter
    def theme_codes(self, codes) -> None:
        unknown = set(codes) - set(THEMES)
        if unknown:
            raise ValueError(f"unknown themes: {sorted(unknown)}")
        self.themes = " ".join(code for code in THEMES if code in set(codes))

    @property
    def theme_labels(self) -> list:
        return [THEMES[code] for code in self.theme_codes]

    @classmethod
    def has_theme(cls, code: str):
        """SQL condition: this row carries the theme `code`."""
        return (literal(" ") + cls.themes + literal(" ")).like(f"% {code} %")
