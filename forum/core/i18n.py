"""Locale choice and locale-aware formatting of dates, numbers and euros."""
from datetime import UTC, datetime

from babel.dates import format_timedelta
from flask import current_app, g, has_request_context, request
from flask_babel import format_date, format_decimal, get_locale
from flask_login import current_user
from markupsafe import Markup

from forum.core.db import utcnow

LANG_COOKIE = "lang"


def supported() -> tuple[str, ...]:
    return current_app.config["FORUM_LANGUAGES"]


def select_locale() -> str:
    """?lang=, then the cookie, then the member's profile, then Accept-Language, then Italian."""
    languages = supported()
    if not has_request_context():
        # Mail and commands choose their language with force_locale; otherwise the default.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        g.lang_to_remember = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    preferred = getattr(current_user, "preferred_language", None)
    if preferred in languages:
        return preferred
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def remember_language(response):
    """Keep the ?lang= choice in a cookie for the following pages."""
    return set_language_cookie(response, g.pop("lang_to_remember", None))


def set_language_cookie(response, language: str | None):
    """Remember a supported language for this browser (a year); anything else is ignored."""
    if language in current_app.config["FORUM_LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def content_lang(language: str | None) -> Markup:
    """` lang="en"` on user content written in another language than the page's (WCAG 3.1.2)."""
    if not language or language == current_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def machine_time(value) -> str:
    """A `<time datetime>` value: whole seconds (HTML allows at most three decimals), UTC."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is not None:
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat(timespec="seconds")


def format_euro(amount) -> str:
    """Whole euros in the active locale: '15.659.005 €' or '€15,659,005'."""
    if amount is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(amount, "EUR", locale=current_language(), format_type="standard",
                           currency_digits=False, decimal_quantization=True,
                           format=_whole_euro_pattern())


def _whole_euro_pattern() -> str:
    return "#,##0 ¤" if current_language() == "it" else "¤#,##0"


def format_number(value) -> str:
    return "" if value is None else format_decimal(value)


def format_day(value: datetime | None) -> str:
    """'9 novembre 2015' / '9 November 2015'."""
    if value is None:
        return ""
    return format_date(value, "d MMMM y")


def format_age(since: datetime | None, now: datetime | None = None) -> str:
    """'1 anno' / '1 year': how long ago, in the largest sensible unit."""
    if since is None:
        return ""
    delta = (now or utcnow()) - since
    return format_timedelta(delta, threshold=1.0, locale=current_language())


def register(app) -> None:
    app.after_request(remember_language)
    app.jinja_env.filters.update(
        euro=format_euro, number=format_number, day=format_day, age=format_age,
        iso=machine_time
    )
    app.jinja_env.globals.update(current_language=current_language, content_lang=content_lang)
