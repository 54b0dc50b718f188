"""The site's one public address: every absolute URL (mail, feeds, calendars, catalog) is built
from FORUM_BASE_URL, never from the request's Host header, which any client can set."""
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def base_url() -> str:
    """FORUM_BASE_URL without its trailing slash, e.g. 'https://gemellaggi.example.org'."""
    return current_app.config["FORUM_BASE_URL"].rstrip("/")


def _adapter():
    parts = urlsplit(base_url())
    return current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                    url_scheme=parts.scheme)


def site_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint at the configured address (url_for's arguments)."""
    if endpoint.startswith(".") and has_request_context() and request.blueprint:
        endpoint = request.blueprint + endpoint
    anchor = values.pop("_anchor", None)
    values.pop("_external", None)
    current_app.inject_url_defaults(endpoint, values)
    url = _adapter().build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def site_path(endpoint: str, **values) -> str:
    """The path of an endpoint at the configured address, as url_for gives it in a request,
    but built without one (a commit hook, the CLI, a probe whose request has another host)."""
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    path = _adapter().build(endpoint, values)
    return f"{path}#{anchor}" if anchor else path


def url_builder() -> Callable[[str, dict], str]:
    """site_url for many links at once, usable after the app context has gone (a streamed
    file builds thousands): the URL map is bound to the site's address once."""
    adapter = _adapter()

    def build(endpoint: str, values: dict) -> str:
        return adapter.build(endpoint, values, force_external=True)

    return build


def absolute(path: str) -> str:
    """A site path ('/discussions/3#post-2') made absolute at the configured address."""
    return base_url() + "/" + path.lstrip("/")


def site_origin() -> tuple[str, str]:
    """(scheme, host[:port]) of the configured address: what `next=` targets must stay on."""
    parts = urlsplit(base_url())
    return parts.scheme, parts.netloc
