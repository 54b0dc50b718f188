"""A select naming another row refuses a row the member may not see exactly as it refuses one
that does not exist: a forged id neither links to it nor tells that it is there."""
from sqlalchemy import func, select

from forum.core.visibility import HIDDEN
from forum.extensions import db
from forum.practices.models import Practice
from forum.twinnings.models import Twinning
from tests.fixtures.web import page, submit

GOOD = {
    "kind": "offer", "language": "it", "themes": ["governance"], "status": "open",
    "title": "Il nostro modello di governance", "summary": "Per la smart city.",
    "body": "Statuto e soci.", "city": "0", "organisation": "0", "twinning": "0", "related": "",
}


def _twinning(app, slug, visibility) -> int:
    with app.app_context():
        twinning = Twinning(slug=slug, title=f"Gemellaggio {slug}", themes="governance",
                            summary="", visibility=visibility)
        db.session.add(twinning)
        db.session.commit()
        return twinning.id


def _error(response) -> str:
    found = page(response).find(id="twinning-error")
    return found.get_text(" ", strip=True) if found else ""


def test_a_hidden_twinning_is_refused_like_a_missing_one(app, client, make_user, login):
    hidden = _twinning(app, "nascosto", HIDDEN)
    login(make_user())
    as_hidden = submit(client, "/practices/new?lang=en", {**GOOD, "twinning": str(hidden)})
    as_missing = submit(client, "/practices/new?lang=en", {**GOOD, "twinning": "999999"})
    assert as_hidden.status_code == as_missing.status_code == 200
    assert _error(as_hidden) == _error(as_missing) == "Choose a twinning from the list."
    with app.app_context():
        assert db.session.scalar(select(func.count(Practice.id))) == 0


def test_staff_may_still_name_a_hidden_twinning(app, client, make_user, login):
    hidden = _twinning(app, "nascosto", HIDDEN)
    login(make_user(role="staff"))
    submit(client, "/practices/new?lang=en", {**GOOD, "twinning": str(hidden)})
    with app.app_context():
        assert db.session.scalar(select(Practice.twinning_id)) == hidden
