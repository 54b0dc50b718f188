"""The DCAT-AP_IT catalog of a seeded site, checked as the national catalogue's harvester
would: SHACL shapes of the profile's mandatory properties, both serialisations, and every
distribution followed and parsed."""
import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from forum import seed
from forum.accounts.models import User
from forum.extensions import db
from forum.opendata import datasets

SHAPES = Graph().parse(Path(__file__).parents[2] / "fixtures" / "dcatapit_shapes.ttl")
# Namespaces stay inside `ns`: pytest probes module attributes, and rdflib's closed
# namespaces warn on every unknown name.
DCATAPIT = "http://dati.gov.it/onto/dcatapit#"
DATASET, DISTRIBUTION, CATALOG, AGENT, CONTACT, LICENCE = (
    URIRef(DCATAPIT + name) for name in
    ("Dataset", "Distribution", "Catalog", "Agent", "Organization", "LicenseDocument"))
HAS_EMAIL = URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def seeded(app):
    app.config.update(FORUM_CONTACT_EMAIL="opendata@comune.example.it",
                      FORUM_OPENDATA_IPA_CODE="c_e506")
    with app.test_request_context():
        seed.run()
        # One member keeps out of the directory: their name must appear in no file.
        member = db.session.scalar(db.select(User).where(User.listed.is_(True))
                                   .where(User.full_name.is_not(None)).limit(1))
        member.listed = False
        db.session.commit()
        name = member.full_name
    yield name
    app.config.update(FORUM_CONTACT_EMAIL=None, FORUM_OPENDATA_IPA_CODE="")


def _graph(client, fmt: str) -> Graph:
    response = client.get(f"/opendata/catalog.{fmt}")
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(as_text=True),
                         format="json-ld" if fmt == "jsonld" else "turtle")


def _conforms(graph: Graph) -> tuple[bool, str, set]:
    conforms, results, text = validate(graph, shacl_graph=SHAPES, inference="none")
    paths = set(results.objects(None, ns.SH.resultPath))
    return conforms, text, paths


def test_catalog_conforms_to_the_dcatapit_shapes(client, seeded):
    graph = _graph(client, "jsonld")
    conforms, report, _ = _conforms(graph)
    assert conforms, report
    assert len(list(graph.subjects(ns.RDF.type, DATASET))) == len(datasets.DATASETS)
    identifiers = {str(o) for o in graph.objects(None, ns.DCTERMS.identifier)}
    assert "c_e506:practices" in identifiers and "c_e506" in identifiers
    titles = {(o.language, str(o)) for s in graph.subjects(ns.RDF.type, DATASET)
              for o in graph.objects(s, ns.DCTERMS.title)}
    assert ("it", "Buone pratiche: offerte, richieste e storie") in titles
    assert ("en", "Good practices: offers, requests and stories") in titles


@pytest.mark.parametrize("subject_type, predicate", [
    (DATASET, ns.DCTERMS.identifier),
    (DATASET, ns.DCTERMS.rightsHolder),
    (DATASET, ns.DCAT.theme),
    (DISTRIBUTION, ns.DCTERMS.license),
    (DISTRIBUTION, ns.DCTERMS["format"]),
    (CATALOG, ns.DCTERMS.publisher),
    (AGENT, ns.DCTERMS.identifier),
    (CONTACT, HAS_EMAIL),
])
def test_the_shapes_bite_when_a_required_property_goes(client, seeded, subject_type,
                                                        predicate):
    graph = _graph(client, "ttl")
    subject = next(graph.subjects(ns.RDF.type, subject_type))
    assert (subject, predicate, None) in graph
    graph.remove((subject, predicate, None))
    conforms, report, paths = _conforms(graph)
    assert not conforms
    assert predicate in paths, report


def test_json_ld_and_turtle_hold_the_same_graph(client, seeded):
    assert isomorphic(_graph(client, "jsonld"), _graph(client, "ttl"))


def test_a_harvester_finds_every_file_and_nothing_personal(app, client, seeded):
    graph = _graph(client, "jsonld")
    downloads = sorted(str(url) for url in graph.objects(None, ns.DCAT.downloadURL))
    assert len(downloads) == 2 * len(datasets.DATASETS)
    licence = next(graph.objects(None, ns.DCTERMS.license))
    assert (licence, ns.RDF.type, LICENCE) in graph
    assert "CC BY 4.0" in str(next(graph.objects(licence, ns.FOAF.name)))
    for url in downloads:
        parts = urlsplit(url)
        response = client.get(parts.path)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        if url.endswith(".csv"):
            rows = list(csv.DictReader(io.StringIO(body, newline="")))
        else:
            rows = json.loads(body)["items"]
        name = parts.path.rsplit("/", 1)[1].split(".")[0]
        with app.app_context():
            assert len(rows) == datasets.count(datasets.get(name)), url
        assert not EMAIL.search(body), url
        assert seeded not in body, url
    with app.app_context():
        assert datasets.count(datasets.PRACTICES) > 10 and datasets.count(datasets.CALLS) > 5


def test_the_page_describes_every_dataset_in_both_languages(client, italian_client, seeded):
    english = client.get("/opendata/").get_data(as_text=True)
    italian = italian_client.get("/opendata/").get_data(as_text=True)
    for dataset in datasets.DATASETS.values():
        assert f'href="/opendata/{dataset.name}.csv"' in english
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in italian
    assert "Good practices: offers, requests and stories" in english
    assert "Buone pratiche: offerte, richieste e storie" in italian
    assert "Colonne di" in italian and "Columns of" in english
    home = italian_client.get("/").get_data(as_text=True)
    assert 'href="/opendata/"' in home
