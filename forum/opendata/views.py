"""Open data pages: the description of every dataset, the catalog and the files."""
import math

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy.orm import Session
from werkzeug.http import is_resource_modified

from forum.core.urls import url_builder
from forum.core.web import page_arg
from forum.extensions import db
from forum.opendata import datasets, formats, services, versions

bp = Blueprint("opendata", __name__)

CATALOG_TYPES = {"jsonld": "application/ld+json", "ttl": "text/turtle"}
FILE_TYPES = {"csv": "text/csv; charset=utf-8; header=present",
              "json": "application/json; charset=utf-8"}
# The read API: what a portal may fetch per request.
PER_PAGE, MAX_PER_PAGE = 100, 1000


@bp.get("/opendata/")
def index():
    return render_template("opendata/index.html", summaries=services.summaries(),
                           per_page=PER_PAGE, max_per_page=MAX_PER_PAGE)


@bp.get("/opendata/catalog.<any(jsonld, ttl):fmt>")
def catalog(fmt: str):
    from forum.opendata import catalog as dcat  # rdflib (6 MB) only where a catalog is served

    response = Response(dcat.serialise(fmt), mimetype=CATALOG_TYPES[fmt])
    return services.open_to_portals(response)


def _per_page() -> int:
    raw = request.args.get("per_page", str(PER_PAGE))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PER_PAGE:
        abort(400)
    return int(raw)


@bp.get("/opendata/<name>.<any(csv, json):fmt>")
def download(name: str, fmt: str):
    dataset = datasets.get(name) or abort(404)
    paged = fmt == "json" and "page" in request.args
    page, per_page = (page_arg(), _per_page()) if paged else (None, None)
    etag, last_modified = versions.validators(dataset, f"{fmt}:{page}:{per_page}")
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    else:
        response = _file(dataset, fmt, page, per_page)
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.no_cache = True  # harvesters revalidate, and get a 304 for nothing
    return services.open_to_portals(response)


def _stream(dataset, write, offset: int = 0, limit: int | None = None):
    """Rows read by a session of the stream's own, so the body needs no request context
    (a client that stops reading leaves nothing half-popped behind)."""
    bind = db.session.get_bind()
    link = url_builder()

    def generate():
        with Session(bind=bind) as session:
            yield from write(datasets.iter_rows(dataset, session, offset, limit), link)

    return generate()


def _file(dataset, fmt: str, page: int | None, per_page: int | None) -> Response:
    if fmt == "csv":
        body = _stream(dataset, lambda rows, link: formats.csv_lines(dataset, rows, link))
        response = Response(body, mimetype=FILE_TYPES["csv"])
        response.headers["Content-Disposition"] = \
            f'attachment; filename="gemellaggi-{dataset.name}.csv"'
        return response
    envelope = {"dataset": dataset.name, "license": services.licence_url()}
    offset, limit = 0, None
    if page is not None:
        total = datasets.count(dataset)
        last = max(1, math.ceil(total / per_page))
        if page > last:
            abort(404)
        envelope |= {"page": page, "per_page": per_page, "total": total, "pages": last}
        offset, limit = (page - 1) * per_page, per_page
    labeller = formats.Labeller(dataset)
    body = _stream(dataset, lambda rows, link: formats.json_chunks(
        dataset, rows, envelope, labeller, link), offset, limit)
    response = Response(body, content_type=FILE_TYPES["json"])
    if page is not None:
        response.headers["Link"] = services.page_links(dataset, page, envelope["pages"],
                                                       per_page)
        response.headers["X-Total-Count"] = str(envelope["total"])
    return response
