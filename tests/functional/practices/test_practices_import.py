"""`flask --app forum practices import FILE.json`: all or nothing, problems named by line."""
import json

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.practices import matching
from forum.practices.models import Practice
from tests.fixtures.practices import place


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def author(make_user):
    return make_user("rete.buonepratiche")


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Practice.id)))


GOOD = {"kind": "offer", "title": "Sportello digitale", "summary": "Pratiche online.",
        "body": "Il **testo**.", "themes": ["digital-services"], "city": "lecce",
        "language": "it", "status": "open", "created_at": "2023-03-01"}


def test_good_file_is_imported(app, cli, author, tmp_path):
    with app.app_context():
        place("lecce", "Lecce")
        db.session.commit()
    records = [{**GOOD, "author": author.username},
               {**GOOD, "kind": "seek", "title": "Cerchiamo", "city": "Lecce",
                "author": author.username, "language": "en"}]
    path = tmp_path / "practices.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    result = cli("practices", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported 2 practice(s)" in result.output
    with app.app_context():
        practice = db.session.scalar(
            select(Practice).where(Practice.title == "Sportello digitale"))
        assert practice.city.slug == "lecce"
        assert practice.body_html.strip() == "<p>Il <strong>testo</strong>.</p>"
        assert practice.created_at.year == 2023 and practice.match_terms


def test_bad_records_are_reported_by_line_and_nothing_is_kept(app, cli, author, tmp_path):
    good = {**GOOD, "city": None, "author": author.username}
    records = [good,
               {**good, "themes": ["astrology"]},
               {**good, "summary": "s" * 301},
               {**good, "title": ""},
               {**good, "author": "nobody.here"},
               {**good, "colour": "blue"},
               good]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    text = path.read_text()
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "{"]
    result = cli("practices", "import", str(path))
    assert result.exit_code != 0
    out = result.output
    assert f"line {lines[1]} (record 2): unknown theme(s): astrology" in out
    assert f"line {lines[2]} (record 3): 'summary' has 301 characters; at most 300" in out
    assert f"line {lines[3]} (record 4): 'title' is missing" in out
    assert f"line {lines[4]} (record 5): there is no member 'nobody.here'" in out
    assert f"line {lines[5]} (record 6): unknown field(s): colour" in out
    assert "record 1)" not in out and "record 7)" not in out
    assert "Nothing imported: 5 problem(s)" in out
    assert _count(app) == 0


def test_broken_json_is_reported_with_its_line(cli, tmp_path, author):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"kind": "offer"},\n  {"kind": \n]\n', encoding="utf-8")
    result = cli("practices", "import", str(path))
    assert result.exit_code != 0 and "line 4 (record 2): not valid JSON" in result.output
    path.write_text('{"kind": "offer"}', encoding="utf-8")
    assert "must hold a JSON array" in cli("practices", "import", str(path)).output


def test_the_help_documents_the_format(cli):
    out = cli("practices", "import", "--help").output
    for word in ("kind", "title", "summary", "body", "themes", "city", "organisation",
                 "language", "author", "status", "civic-participation"):
        assert word in out


def _two_practices(app, cli, author, tmp_path) -> list[int]:
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{**GOOD, "city": None, "author": author.username},
                                {**GOOD, "city": None, "title": "Secondo sportello",
                                 "author": author.username}]))
    assert "Imported 2" in cli("practices", "import", str(path)).output
    with app.app_context():
        return list(db.session.scalars(select(Practice.id).order_by(Practice.id)))


def test_new_terms_carry_the_current_lexicon_version(app, cli, author, tmp_path):
    _two_practices(app, cli, author, tmp_path)
    with app.app_context():
        assert set(db.session.scalars(select(Practice.match_terms_version))) == \
            {matching.terms_version()}
    result = cli("practices", "refresh-terms", "--check")
    assert result.exit_code == 0 and result.output.startswith("0 practice(s)")
    assert "Re-analysed 0 practice(s)" in cli("practices", "refresh-terms").output


def test_refresh_terms_rewrites_the_terms_of_another_lexicon_only(app, cli, author, tmp_path):
    old, current = _two_practices(app, cli, author, tmp_path)
    with app.app_context():
        fresh = db.session.get(Practice, old).match_terms
        for practice_id, version in ((old, "1-0123456789ab"), (current, None)):
            practice = db.session.get(Practice, practice_id)
            practice.match_terms = "stale"
            if version:
                practice.match_terms_version = version
        # The second keeps the current version: its (wrong) terms are not read again.
        db.session.get(Practice, current).match_terms_version = matching.terms_version()
        db.session.get(Practice, old).match_terms_version = None  # from before versions
        db.session.commit()
    check = cli("practices", "refresh-terms", "--check")
    assert check.exit_code == 1 and check.output.startswith("1 practice(s)")
    result = cli("practices", "refresh-terms")
    assert "Re-analysed 1 practice(s); the matching terms of 1 changed" in result.output
    with app.app_context():
        assert db.session.get(Practice, old).match_terms == fresh
        assert db.session.get(Practice, old).match_terms_version == matching.terms_version()
        assert db.session.get(Practice, current).match_terms == "stale"
    assert "Re-analysed 2 practice(s); the matching terms of 1 changed" in \
        cli("practices", "refresh-terms", "--all").output
    assert cli("practices", "refresh-terms", "--check").exit_code == 0
