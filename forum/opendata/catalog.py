"""The DCAT-AP_IT catalog of the datasets, as an rdflib graph (JSON-LD and Turtle).

DCAT-AP_IT (AgID's profile of DCAT-AP) is what the national catalogue harvests. Per class we
give what the profile makes mandatory and most of what it recommends:
- Catalog: title and description (it, en), publisher, modified, homepage, language, theme
  taxonomy, datasets.
- Dataset: identifier ("IPA code:name"), title and description (it, en), modified, theme
  (EU data themes), rights holder and publisher (dcatapit:Agent with the IPA code), periodicity,
  language, keywords, contact point (dcatapit:Organization with vcard name and e-mail),
  landing page, distributions.
- Distribution: format (EU file types), access and download URL, media type, licence
  (dcatapit:LicenseDocument with its ADMS licence type and names), title.
dct:subject (EuroVoc) is left out: none of its concepts names what these datasets hold better
than the data themes already do. dcat:byteSize is left out too: files are made on request.
"""
from datetime import UTC, datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from forum.opendata import datasets, versions
from forum.opendata.datasets import Dataset

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
FREQUENCY = Namespace(EU + "frequency/")
LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")

FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}
LANGUAGES = ("it", "en")

TITLE = _l("Open data of the twinning community")
DESCRIPTION = _l("The public knowledge of the twinning community: twinnings between cities, "
                 "good practices offered, sought and told, calls for funding, cities with "
                 "their smart-city figures, their projects and events.")


def _base() -> str:
    return current_app.config["FORUM_BASE_URL"].rstrip("/")


def _url(endpoint: str, **values) -> str:
    return _base() + url_for(endpoint, **values)


def _translated(graph: Graph, subject, predicate, text) -> None:
    for language in LANGUAGES:
        with force_locale(language):
            graph.add((subject, predicate, Literal(str(text), lang=language)))


def _agent(graph: Graph) -> URIRef:
    config = current_app.config
    agent = URIRef(_url("opendata.index") + "#publisher")
    graph.add((agent, RDF.type, DCATAPIT.Agent))
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(config["FORUM_OPENDATA_PUBLISHER_NAME"])))
    # The IPA code identifies a public body in the national index; without one the site's
    # own address stands for the publisher.
    graph.add((agent, DCTERMS.identifier,
               Literal(config["FORUM_OPENDATA_IPA_CODE"] or _base())))
    return agent


def _contact(graph: Graph) -> URIRef:
    config = current_app.config
    contact = URIRef(_url("opendata.index") + "#contact")
    graph.add((contact, RDF.type, DCATAPIT.Organization))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(config["FORUM_OPENDATA_PUBLISHER_NAME"])))
    if config.get("FORUM_CONTACT_EMAIL"):
        graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + config["FORUM_CONTACT_EMAIL"])))
    else:
        graph.add((contact, VCARD.hasURL, URIRef(_url("opendata.index"))))
    return contact


def _licence(graph: Graph) -> URIRef:
    config = current_app.config
    licence = URIRef(config["FORUM_OPENDATA_LICENSE_URL"])
    graph.add((licence, RDF.type, DCATAPIT.LicenseDocument))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((licence, DCTERMS.type, LICENCE_TYPE.Attribution))
    graph.add((licence, FOAF.name, Literal(config["FORUM_OPENDATA_LICENSE_NAME"])))
    return licence


def _modified(dataset: Dataset) -> datetime:
    _, modified = versions.validators(dataset, "catalog")
    return modified or datetime.now(UTC)


def _distribution(graph: Graph, dataset: Dataset, fmt: str, licence: URIRef) -> URIRef:
    file_type, media_type = FORMATS[fmt]
    download = _url("opendata.download", name=dataset.name, fmt=fmt)
    distribution = URIRef(download + "#distribution")
    graph.add((distribution, RDF.type, DCATAPIT.Distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS["format"], FILE_TYPE[file_type]))
    graph.add((distribution, DCAT.accessURL, URIRef(_url("opendata.index") + f"#{dataset.name}")))
    graph.add((distribution, DCAT.downloadURL, URIRef(download)))
    graph.add((distribution, DCAT.mediaType,
               URIRef(f"http://www.iana.org/assignments/media-types/{media_type}")))
    graph.add((distribution, DCTERMS.license, licence))
    for language in LANGUAGES:
        with force_locale(language):
            graph.add((distribution, DCTERMS.title,
                       Literal(f"{dataset.title} ({file_type})", lang=language)))
    return distribution


def _dataset(graph: Graph, dataset: Dataset, parts: dict) -> URIRef:
    node = URIRef(_url("opendata.index") + f"#dataset-{dataset.name}")
    graph.add((node, RDF.type, DCATAPIT.Dataset))
    graph.add((node, RDF.type, DCAT.Dataset))
    prefix = current_app.config["FORUM_OPENDATA_IPA_CODE"] or "gemellaggi"
    graph.add((node, DCTERMS.identifier, Literal(f"{prefix}:{dataset.name}")))
    _translated(graph, node, DCTERMS.title, dataset.title)
    _translated(graph, node, DCTERMS.description, dataset.description)
    graph.add((node, DCTERMS.modified, Literal(_modified(dataset).date(), datatype=XSD.date)))
    for code in dataset.eu_themes:
        graph.add((node, DCAT.theme, THEME[code]))
    graph.add((node, DCTERMS.rightsHolder, parts["agent"]))
    graph.add((node, DCTERMS.publisher, parts["agent"]))
    graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY.UPDATE_CONT))
    graph.add((node, DCTERMS.language, LANGUAGE.ITA))
    graph.add((node, DCTERMS.language, LANGUAGE.ENG))
    graph.add((node, DCAT.contactPoint, parts["contact"]))
    graph.add((node, DCAT.landingPage, URIRef(_url("opendata.index") + f"#{dataset.name}")))
    for keyword in dataset.keywords:
        _translated(graph, node, DCAT.keyword, keyword)
    for fmt in FORMATS:
        graph.add((node, DCAT.distribution,
                   _distribution(graph, dataset, fmt, parts["licence"])))
    return node


def build() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF),
                              ("dcatapit", DCATAPIT), ("vcard", VCARD)):
        graph.bind(prefix, namespace)
    catalog = URIRef(_url("opendata.index") + "#catalog")
    graph.add((catalog, RDF.type, DCATAPIT.Catalog))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _translated(graph, catalog, DCTERMS.title, TITLE)
    _translated(graph, catalog, DCTERMS.description, DESCRIPTION)
    parts = {"agent": _agent(graph), "contact": _contact(graph), "licence": _licence(graph)}
    graph.add((catalog, DCTERMS.publisher, parts["agent"]))
    graph.add((catalog, FOAF.homepage, URIRef(_base() + "/")))
    graph.add((catalog, DCTERMS.language, LANGUAGE.ITA))
    graph.add((catalog, DCTERMS.language, LANGUAGE.ENG))
    graph.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    newest = None
    for dataset in datasets.DATASETS.values():
        graph.add((catalog, DCAT.dataset, _dataset(graph, dataset, parts)))
        modified = _modified(dataset)
        newest = modified if newest is None else max(newest, modified)
    graph.add((catalog, DCTERMS.modified, Literal(newest.date(), datatype=XSD.date)))
    return graph


def serialise(fmt: str) -> str:
    graph = build()
    if fmt == "ttl":
        return graph.serialize(format="turtle")
    return graph.serialize(format="json-ld", auto_compact=True)

