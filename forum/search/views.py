"""The results page, /search."""
import logging
import re

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.core.outage import RETRY_AFTER_SECONDS
from forum.core.themes import THEMES
from forum.core.visibility import STATES
from forum.core.web import PAGE_SIZE
from forum.search import registry, services
from forum.search.backend import SORTS, QueryError
from forum.search.indexer import SearchUnavailable

bp = Blueprint("search", __name__)
log = logging.getLogger("forum.search")

MAX_PAGE = 500
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")


def _arguments() -> services.SearchRequest:
    """The query string, checked: a value that cannot be right is a 400."""
    args = request.args
    doc_type = args.get("type") or None
    city = args.get("city") or None
    theme = args.get("theme") or None
    sort = args.get("sort") or "relevance"
    page = args.get("page", "1")
    if doc_type and registry.get(doc_type) is None:
        abort(400)
    if (city and not SLUG.fullmatch(city)) or (theme and theme not in THEMES) or \
            sort not in SORTS or not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        abort(400)
    return services.SearchRequest(q=args.get("q", ""), type=doc_type, city=city, theme=theme,
                                  page=int(page), sort=sort, per_page=PAGE_SIZE)


def _exact() -> bool:
    """?exact=1: the visitor's words only, without translations."""
    value = request.args.get("exact", "")
    if value not in ("", "0", "1"):
        abort(400)
    return value == "1"


def _link(params: services.SearchRequest, **changes) -> str:
    values = {"q": params.q, "type": params.type, "city": params.city, "theme": params.theme,
              "sort": params.sort if params.sort != "relevance" else None, "page": None,
              "exact": "1" if _exact() else None}
    values.update(changes)
    return url_for("search.results", **{k: v for k, v in values.items() if v})


@bp.get("/search")
def results():
    params = _arguments()
    exact = _exact()
    context = {"params": params, "link": _link, "themes": THEMES, "sorts": SORTS,
               "states": STATES, "exact": exact}
    if not params.q.strip():
        return render_template("search/results.html", **context)
    try:
        found = services.search(current_user, params, exact=exact)
    except SearchUnavailable as exc:
        log.warning("search unavailable: %s", exc.reason)
        return (render_template("search/results.html", unavailable=True, **context), 503,
                {"Retry-After": str(RETRY_AFTER_SECONDS)})
    except QueryError:
        message = _("Your search has no words to look for. Try one or more words, "
                    "a \"phrase in quotes\" or the beginning of a word followed by *.")
        return render_template("search/results.html", message=message, **context)
    pages = max(1, -(-found.total // PAGE_SIZE))
    # An estimated total can promise a page past the real end: that page is not found either.
    if params.page > pages or (params.page > 1 and not found.result.hits):
        abort(404)
    return render_template("search/results.html", found=found, pages=pages, **context)


# Kinds of content a form may pick by title (GET /search/titles), and how many it gets back.
TITLE_TYPES = ("practice",)
TITLE_RESULTS = 8
TITLE_MAX_CHARS = 100
WORD = re.compile(r"\w+")


def _title_query(text: str) -> str:
    """Typed text as a search for titles: its words, the last one a prefix (what the person
    is still typing), no operators. Empty when there is nothing to look for yet."""
    # Lower case: AND, OR and NOT typed in a title are words, not operators.
    words = WORD.findall(text[:TITLE_MAX_CHARS].lower())
    if not words or len("".join(words)) < 2:
        return ""
    *complete, last = words
    return " ".join([*complete, f"{last}*"])


@bp.get("/search/titles")
def titles():
    """Titles matching what someone types into a picker (related practices on the practice
    form, static/js/related-practices.js): JSON, at most TITLE_RESULTS, only what this viewer
    may see. Cheap to call as people type: the script waits for a pause, and the answer may
    be reused for a minute by this browser only."""
    doc_type = request.args.get("type", "")
    if doc_type not in TITLE_TYPES or registry.get(doc_type) is None:
        abort(400)
    query = _title_query(request.args.get("q", ""))
    results = []
    if query:
        params = services.SearchRequest(q=query, type=doc_type, page=1, sort="relevance",
                                        per_page=TITLE_RESULTS)
        try:
            found = services.search(current_user, params, exact=True)
        except SearchUnavailable as exc:
            log.warning("search unavailable: %s", exc.reason)
            return jsonify(results=[]), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        except QueryError:
            found = None
        results = [{"id": item.row.id, "title": item.row.title, "url": item.url}
                   for item in (found.items if found else [])]
    response = jsonify(results=results)
    response.headers["Cache-Control"] = "private, max-age=60"
    response.vary.add("Cookie")
    return response
