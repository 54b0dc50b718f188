"""What every template can use: languages, navigation, the permission predicates, helpers."""
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote, urlencode

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.core.visibility import DELETED, HIDDEN, PENDING, PUBLISHED


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation.

    `section` lists the endpoints that count as "inside" this entry; an entry ending in "."
    is a whole blueprint (e.g. "twinnings."), so every page of that package marks it current.
    """

    endpoint: str
    label: object
    section: tuple[str, ...] = ()

    def matches(self, endpoint: str | None) -> str | None:
        """'page' on the entry's own page, 'true' elsewhere in its section, else None."""
        if not endpoint:
            return None
        if endpoint == self.endpoint:
            return "page"
        for prefix in self.section:
            if endpoint == prefix or (prefix.endswith(".") and endpoint.startswith(prefix)):
                return "true"
        return None


# The main navigation, in order. A package adds its entry here.
MAIN_NAV: list[NavItem] = [
    NavItem("home.index", _l("Home")),
    NavItem("twinnings.index", _l("Twinnings"), ("twinnings.",)),
    NavItem("places.networks", _l("Networks"),
            ("places.network", "places.new_network", "places.edit_network")),
    NavItem("discussions.index", _l("Discussions"), ("discussions.index",)),
    NavItem("places.cities", _l("Cities"),
            ("places.city", "places.new_city", "places.edit_city", "places.project",
             "places.new_project", "places.edit_project")),
    NavItem("practices.index", _l("Practices"), ("practices.",)),
    NavItem("calls.index", _l("Calls"), ("calls.",)),
    NavItem("accounts.members", _l("Members"), ("accounts.member",)),
]

LANGUAGE_NAMES = {"it": "Italiano", "en": "English"}
LANGUAGE_SHORT = {"it": "ITA", "en": "ENG"}


def main_nav() -> list[dict]:
    """The navigation entries, each with its aria-current value."""
    current = request.endpoint if request else None
    return [
        {"url": url_for(item.endpoint), "label": item.label, "current": item.matches(current)}
        for item in MAIN_NAV
    ]


def url_for_language(lang: str) -> str:
    """The current address with lang replaced: same path and query, error pages included."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.script_root}{quote(request.path)}?{urlencode(args)}"


def page_addresses() -> dict | None:
    """The page's canonical address in this language and its other languages' (hreflang),
    from the configured site address (never the request's Host); None for a page that is
    not a plain GET of a route (a form's answer, an error)."""
    from forum.core.i18n import current_language, supported
    from forum.core.urls import absolute

    if request.method != "GET" or request.endpoint in (None, "static"):
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    path = quote(request.path)

    def address(lang: str | None) -> str:
        query = urlencode([*args, ("lang", lang)] if lang else args)
        return absolute(f"{path}?{query}" if query else path)

    return {"canonical": address(current_language()), "default": address(None),
            "languages": [(lang, address(lang)) for lang in supported()]}


# Bootstrap Italia's class for each kind of form control; everything else is a form-control.
CONTROL_CLASSES = {
    "BooleanField": "form-check-input",
    "RadioField": "form-check-input",
    "SelectField": "form-select",
    "SelectMultipleField": "form-select",
}


def described_by(field, hint=None) -> str:
    """The ids of the hint and error texts that describe a form field."""
    ids = [f"{field.id}-hint"] if hint else []
    if field.errors:
        ids.append(f"{field.id}-error")
    return " ".join(ids)


def control_attributes(field, hint=None, extra=None) -> dict:
    """HTML attributes for a form control: classes, aria-describedby and aria-invalid.

    Keys are left out rather than set to None, which WTForms would print as "None".
    """
    attrs = dict(extra or {})
    classes = [CONTROL_CLASSES.get(field.type, "form-control")]
    if field.errors:
        classes.append("is-invalid")
    if attrs.get("class_"):
        classes.append(attrs.pop("class_"))
    attrs["class_"] = " ".join(classes)
    described = described_by(field, hint)
    if described:
        attrs["aria_describedby"] = described
    if field.errors:
        attrs["aria_invalid"] = "true"
    return attrs


@dataclass(frozen=True)
class FormFailure:
    """One error of a form's summary: where the link goes (None: no field to go to)."""

    target: str | None
    label: str
    message: str


# Radio buttons and checkbox groups are reached through their first option's control.
GROUPED_FIELDS = ("RadioField", "MultiCheckboxField")


def form_failures(form) -> list[FormFailure]:
    """Every error of a submitted form, in the order of its fields: the error summary's lines.

    Hidden fields and the CSRF token have no control to go to: their errors are listed
    without a link (CSRFProtect answers a failed token with a 400 before any view)."""
    failures = []
    for field in form:
        for message in field.errors if isinstance(field.errors, list | tuple) else ():
            if field.type in ("HiddenField", "CSRFTokenField"):
                failures.append(FormFailure(None, "", str(message)))
                continue
            target = f"{field.id}-0" if field.type in GROUPED_FIELDS else field.id
            failures.append(FormFailure(target, str(field.label.text), str(message)))
    return failures


def register(app) -> None:
    app.jinja_env.globals.update(
        url_for_language=url_for_language,
        page_addresses=page_addresses,
        control_attributes=control_attributes,
        form_failures=form_failures,
        described_by=described_by,
        main_nav=main_nav,
        language_names=LANGUAGE_NAMES,
        language_short=LANGUAGE_SHORT,
        # A global too, so macros imported without context can ask permission predicates.
        current_user=current_user,
        # The states by name (`item.visibility == visibility.PUBLISHED`), never as strings.
        visibility=SimpleNamespace(PUBLISHED=PUBLISHED, PENDING=PENDING, HIDDEN=HIDDEN,
                                   DELETED=DELETED),
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
