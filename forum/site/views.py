"""robots.txt, sitemap.xml and the source archive: files for crawlers and for AGPL section 13."""
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app

from forum.core.urls import site_url
from forum.site import services

bp = Blueprint("site", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Personal, staff and form pages, and search results: nothing a search engine should list.
PRIVATE_PATHS = ("/account/", "/admin/", "/auth/", "/mod/", "/report/", "/notifications/",
                 "/search")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in PRIVATE_PATHS],
             "", f"Sitemap: {site_url('site.sitemap')}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page once, with its Italian and English addresses as alternates."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    languages = current_app.config["FORUM_LANGUAGES"]
    for endpoint, values in services.public_pages():
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = site_url(endpoint, **values)
        for lang in languages:
            ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang,
                          href=site_url(endpoint, **values, lang=lang))
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/xml")


@bp.get("/source.tar.gz")
def source():
    """The source of the software running this site (AGPL-3.0-or-later, section 13)."""
    return Response(services.source_archive(), mimetype="application/gzip", headers={
        "Content-Disposition": "attachment; filename=gemellaggi-source.tar.gz"})
