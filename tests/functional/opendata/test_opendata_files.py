"""The datasets as a harvester and a spreadsheet user get them: public rows only, no personal
data, stable columns, conditional requests, and the paginated read API."""
import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.extensions import db
from forum.moderation import services as moderation
from forum.opendata import datasets
from forum.practices import services as practices
from forum.practices.models import Practice
from tests.fixtures.web import submit

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _practice(author_id: int, title: str, **extra) -> int:
    author = db.session.get(User, author_id)
    data = {"kind": "offer", "language": "it", "themes": ["open-data"], "status": "open",
            "title": title, "summary": "Riassunto, con \"virgolette\" e accenti: perché sì",
            "body": "Testo.", **extra}
    return practices.create_practice(author, data).id


@pytest.fixture
def people(app, make_user):
    """A listed member, an unlisted one and one who opted out of open data, each with a
    published practice; and a hidden practice by the listed member."""
    listed = make_user("listed", full_name="Anna Pubblica", listed=True)
    unlisted = make_user("unlisted", full_name="Bruno Riservato", listed=False)
    optout = make_user("optout", full_name="Carla Anonima", listed=True)
    with app.test_request_context():
        db.session.get(User, optout.id).opendata_named = False
        ids = {
            "listed": _practice(listed.id, "Pratica di Anna"),
            "unlisted": _practice(unlisted.id, "Pratica di Bruno"),
            "optout": _practice(optout.id, "Pratica di Carla"),
            "hidden": _practice(listed.id, "Pratica nascosta"),
        }
        staff = User(username="odstaff", username_key="odstaff", role="staff",
                     email="odstaff@example.org")
        db.session.add(staff)
        db.session.flush()
        moderation.hide(staff, "practice", db.session.get(Practice, ids["hidden"]), "spam")
        db.session.commit()
    return {"ids": ids, "members": (listed, unlisted, optout)}


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert not raw.startswith(b"\xef\xbb\xbf"), "the header row carries no byte-order mark"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_practices_csv_holds_the_public_rows_and_names_only_who_agreed(app, client, people):
    rows = _csv(client.get("/opendata/practices.csv"))
    by_id = {int(row["id"]): row for row in rows}
    ids = people["ids"]
    assert set(by_id) == {ids["listed"], ids["unlisted"], ids["optout"]}
    assert by_id[ids["listed"]]["author"] == "Anna Pubblica"
    assert by_id[ids["unlisted"]]["author"] == "member"
    assert by_id[ids["optout"]]["author"] == "member"
    # Quotes, commas and accents survive the round trip (RFC 4180 quoting, UTF-8).
    assert by_id[ids["listed"]]["summary"] == "Riassunto, con \"virgolette\" e accenti: perché sì"
    assert by_id[ids["listed"]]["themes"] == "open-data"
    assert by_id[ids["listed"]]["url"] == f"http://localhost/practices/{ids['listed']}"
    assert list(rows[0]) == datasets.PRACTICES.column_names
    body = client.get("/opendata/practices.csv").get_data(as_text=True)
    assert "Bruno Riservato" not in body and "Carla Anonima" not in body
    assert "Pratica nascosta" not in body
    assert not EMAIL.search(body)
    assert "\r\n" in body  # RFC 4180 line ends


def test_csv_rows_equal_the_databases_public_rows_for_every_dataset(app, client, people):
    for dataset in datasets.DATASETS.values():
        rows = _csv(client.get(f"/opendata/{dataset.name}.csv"))
        with app.app_context():
            expected = db.session.scalars(
                dataset.query().with_only_columns(dataset.model.id).order_by(dataset.model.id))
            assert [int(row["id"]) for row in rows] == list(expected), dataset.name


def test_json_gives_codes_with_both_labels(client, people):
    response = client.get("/opendata/practices.json")
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    assert data["dataset"] == "practices"
    assert data["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    item = next(i for i in data["items"] if i["id"] == people["ids"]["listed"])
    assert item["kind"] == {"code": "offer", "it": "Offro", "en": "I offer"}
    assert item["themes"] == [{"code": "open-data", "it": "Open data", "en": "Open data"}]
    assert item["status"] == {"code": "open", "it": "Aperto", "en": "Open"}
    assert item["author"] == "Anna Pubblica"


def test_json_read_api_pages_with_link_headers(client, people):
    first = client.get("/opendata/practices.json?page=1&per_page=2")
    data = json.loads(first.get_data(as_text=True))
    assert (data["page"], data["per_page"], data["total"], data["pages"]) == (1, 2, 3, 2)
    assert len(data["items"]) == 2
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    assert first.headers["X-Total-Count"] == "3"
    second = client.get("/opendata/practices.json?page=2&per_page=2")
    items = json.loads(second.get_data(as_text=True))["items"]
    assert len(items) == 1 and 'rel="prev"' in second.headers["Link"]
    ids = [i["id"] for i in data["items"]] + [i["id"] for i in items]
    assert ids == sorted(people["ids"][k] for k in ("listed", "unlisted", "optout"))
    assert client.get("/opendata/practices.json?page=3&per_page=2").status_code == 404
    for bad in ("page=0", "page=x", "page=1&per_page=0", "page=1&per_page=5000",
                "page=99999999999999999999"):
        assert client.get(f"/opendata/practices.json?{bad}").status_code == 400, bad


def test_any_site_may_read_the_files(client, people):
    response = client.get("/opendata/twinnings.json", headers={"Origin": "https://comune.it"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in response.headers["Access-Control-Expose-Headers"]
    response.get_data()


def test_hiding_a_practice_changes_the_etag_and_the_file(app, client, people):
    first = client.get("/opendata/practices.csv")
    first.get_data()
    old = first.headers["ETag"]
    assert client.get("/opendata/practices.csv", headers={"If-None-Match": old}).status_code \
        == 304
    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.username_key == "odstaff"))
        practice = db.session.get(Practice, people["ids"]["unlisted"])
        moderation.hide(staff, "practice", practice, "off topic")
        db.session.commit()
    after = client.get("/opendata/practices.csv")
    new = after.headers["ETag"]
    assert new != old
    assert people["ids"]["unlisted"] not in {int(r["id"]) for r in _csv(after)}
    stale = client.get("/opendata/practices.csv", headers={"If-None-Match": old})
    assert stale.status_code == 200
    stale.get_data()
    fresh = client.get("/opendata/practices.csv", headers={"If-None-Match": new})
    assert fresh.status_code == 304 and fresh.get_data() == b""
    # Another dataset did not move.
    calls = client.get("/opendata/calls.csv")
    calls.get_data()
    assert client.get("/opendata/calls.csv",
                      headers={"If-None-Match": calls.headers["ETag"]}).status_code == 304


def test_if_modified_since_answers_304_until_a_change(app, client, people):
    response = client.get("/opendata/practices.json")
    response.get_data()
    stamp = response.headers["Last-Modified"]
    assert client.get("/opendata/practices.json",
                      headers={"If-Modified-Since": stamp}).status_code == 304


def test_opting_out_in_the_profile_removes_the_name(app, client, login, people):
    listed = people["members"][0]
    login(listed)
    before = client.get("/opendata/practices.csv")
    assert "Anna Pubblica" in before.get_data(as_text=True)
    form = {"full_name": "Anna Pubblica", "listed": "y", "city_id": "0",
            "organisation_id": "0", "preferred_language": ""}
    response = submit(client, "/account/profile", form)
    assert response.status_code == 200
    after = client.get("/opendata/practices.csv")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Anna Pubblica" not in after.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, listed.id).opendata_named is False


def test_unknown_dataset_is_404(client):
    assert client.get("/opendata/members.csv").status_code == 404
    assert client.get("/opendata/practices.xml").status_code == 404
