"""Limits that cannot be stepped around (core/limits.py): one table, a setting for each, every
POST limited, writes counted by what was done (never by a form field), wrong passwords slowed
per account whatever the address, and every refusal saying when to try again."""
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.core import limits
from forum.discussions.models import Post
from forum.extensions import db, limiter
from tests.fixtures.web import csrf_from, submit, text_of

README = Path(__file__).resolve().parents[3] / "README.md"
PRACTICE = {"kind": "offer", "language": "it", "themes": ["governance"], "status": "open",
            "title": "Il nostro modello", "summary": "Per la smart city.", "body": "Statuto.",
            "city": "0", "organisation": "0", "twinning": "0", "related": ""}


@pytest.fixture
def limited(app, monkeypatch):
    """The session app with limits on, for this test only.

    The app was built with limits off, so Flask-Limiter never hooked into it; it is bound
    here as create_app would bind it, and unhooked after (the conftest then puts the shared
    limiter's own state back). Building a second app instead would give it another
    connection, which cannot see this test's members."""
    hooks = ({k: list(v) for k, v in app.before_request_funcs.items()},
             {k: list(v) for k, v in app.after_request_funcs.items()},
             {k: list(v) for k, v in app.teardown_request_funcs.items()})
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "memory://")
    extensions = app.extensions.pop("limiter", None)
    app._got_first_request = False
    try:
        limiter.init_app(app)
    finally:
        app._got_first_request = True
    limiter.reset()
    yield app
    limiter.reset()
    app.before_request_funcs.clear()
    app.before_request_funcs.update(hooks[0])
    app.after_request_funcs.clear()
    app.after_request_funcs.update(hooks[1])
    app.teardown_request_funcs.clear()
    app.teardown_request_funcs.update(hooks[2])
    app.extensions["limiter"] = extensions if extensions is not None else set()
    limiter.enabled = False


@pytest.fixture
def thread(app, make_user):
    """A discussion in a twinning, opened by an established staff member."""
    from forum.discussions import services as discussions
    from forum.twinnings.models import Twinning

    staff = make_user(role="staff")
    with app.app_context():
        twinning = Twinning(slug="limiti", title="Gemellaggio dei limiti", themes="governance",
                            summary="")
        db.session.add(twinning)
        db.session.flush()
        from forum.accounts.models import User

        discussion = discussions.start_discussion(db.session.get(User, staff.id), twinning,
                                                  "Domande", "Chi sa?")
        db.session.commit()
        return discussion.id


def _posts(app, author_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Post.id)).where(Post.author_id == author_id))


def _retry_after(response) -> int:
    return int(response.headers["Retry-After"])


# --- the table ---------------------------------------------------------------------------

def test_every_limit_has_a_setting_and_a_readme_row(app):
    readme = README.read_text(encoding="utf-8")
    for limit in limits.LIMITS:
        assert app.config[limit.setting] == limit.default
        row = re.search(rf"^\| `{limit.setting}` \| (.+?) \|", readme, re.M)
        assert row, f"{limit.setting} has no row in the README's limits table"
        assert limit.default in row.group(1)


def test_every_post_route_is_limited(app):
    from flask_limiter.util import get_qualified_name

    names = set(limiter.limit_manager._decorated_limits)
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            assert get_qualified_name(app.view_functions[rule.endpoint]) in names, rule.endpoint


def test_a_setting_changes_its_limit(limited, client, make_user, login, monkeypatch):
    monkeypatch.setitem(limited.config, "FORUM_RATELIMIT_PRACTICE", "2 per hour")
    login(make_user())
    codes = [submit(client, "/practices/new", {**PRACTICE, "title": f"Pratica {n}"},
                    follow=False).status_code for n in range(3)]
    assert codes == [302, 302, 429]


# --- what is counted -----------------------------------------------------------------------

def test_previews_are_free_and_never_publish_and_every_publication_counts(
        limited, client, make_user, login, thread, monkeypatch):
    monkeypatch.setitem(limited.config, "FORUM_RATELIMIT_POST", "3 per hour")
    member = make_user()
    login(member)
    url, page = f"/discussions/{thread}/reply", f"/discussions/{thread}"
    for n in range(5):
        response = submit(client, url, {"body": f"Bozza {n}", "preview": "1"}, form_url=page)
        assert response.status_code == 200
    assert _posts(limited, member.id) == 0
    # An empty `preview=` field is no preview: it publishes, so it counts.
    codes = [submit(client, url, {"body": f"Risposta {n}", "preview": ""}, form_url=page,
                    follow=False).status_code for n in range(3)]
    assert codes == [302, 302, 302]
    refused = submit(client, url, {"body": "Una di troppo", "preview": ""}, form_url=page,
                     follow=False)
    assert refused.status_code == 429 and _retry_after(refused) > 0
    assert _posts(limited, member.id) == 3


def test_refusals_are_translated_and_say_when(limited, italian_client, make_user, thread,
                                              monkeypatch):
    monkeypatch.setitem(limited.config, "FORUM_RATELIMIT_POST", "1 per hour")
    member = make_user()
    submit(italian_client, "/auth/login", {"login": member.username, "password": member.password})
    url, page = f"/discussions/{thread}/reply", f"/discussions/{thread}"
    submit(italian_client, url, {"body": "Prima"}, form_url=page)
    refused = submit(italian_client, url, {"body": "Seconda"}, form_url=page, follow=False)
    assert refused.status_code == 429
    text = text_of(refused)
    assert "Puoi riprovare tra" in text and "minut" in text
    assert 3000 < _retry_after(refused) <= 3601


# --- newcomers -----------------------------------------------------------------------------

def test_a_newcomer_replies_ten_times_in_the_first_hour(limited, client, make_user, login,
                                                        thread):
    member = make_user()
    login(member)
    url, page = f"/discussions/{thread}/reply", f"/discussions/{thread}"
    for n in range(10):
        response = submit(client, url, {"body": f"Risposta numero {n}"}, form_url=page,
                          follow=False)
        assert response.status_code == 302, n
    assert _posts(limited, member.id) == 10


def test_a_newcomer_starts_few_discussions_and_is_told_when(limited, client, make_user, login,
                                                            thread):
    login(make_user())
    space = "/discussions/new?space=twinning:limiti"
    for n in range(3):
        response = submit(client, space, {"title": f"Tema {n}", "body": f"Testo {n}"},
                          follow=False)
        assert response.status_code == 302, n
    refused = submit(client, space, {"title": "Tema 4", "body": "Testo 4"}, follow=False)
    assert refused.status_code == 200
    assert "New members can start 3 discussions an hour." in text_of(refused)
    assert "You can try again in" in text_of(refused)
    assert 3000 < _retry_after(refused) <= 3601


def test_a_newcomer_cannot_repeat_a_text(limited, client, make_user, login, thread):
    login(make_user())
    url, page = f"/discussions/{thread}/reply", f"/discussions/{thread}"
    submit(client, url, {"body": "Comprate qui"}, form_url=page)
    again = submit(client, url, {"body": "Comprate qui"}, form_url=page)
    assert "You have just posted the same text." in text_of(again)


# --- passwords per account -----------------------------------------------------------------

def _sign_in_from(app, address, login, password):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    token = csrf_from(client.get("/auth/login"))
    return client, client.post("/auth/login", data={"csrf_token": token, "login": login,
                                                    "password": password})


@pytest.mark.parametrize("known", [True, False], ids=["existing", "unknown"])
def test_wrong_passwords_from_many_addresses_slow_the_account(limited, make_user, known):
    name = make_user().username if known else "nessuno"
    codes = [_sign_in_from(limited, f"10.0.0.{n}", name, "sbagliata!")[1].status_code
             for n in range(1, 7)]
    # Five wrong passwords are answered normally, then the account waits, from any address
    # (and an unknown name waits the same way: the delay tells nothing).
    assert codes[:5] == [200] * 5 and codes[5] == 429
    _client, refused = _sign_in_from(limited, "10.0.0.99", name, "sbagliata!")
    assert refused.status_code == 429 and 1 <= _retry_after(refused) <= limits.ACCOUNT_MAX_DELAY
    assert "several wrong attempts for this account" in text_of(refused)


def test_the_delay_grows_but_never_locks_the_owner_out(limited, make_user, monkeypatch):
    member = make_user()
    owner, first = _sign_in_from(limited, "192.0.2.1", member.username, member.password)
    assert first.status_code == 302  # the owner signed in from this browser before
    owner.post("/auth/logout", data={"csrf_token": csrf_from(owner.get("/"))})
    clock = [time.time()]
    monkeypatch.setattr(limits.time, "time", lambda: clock[0])
    for n in range(5):
        assert _sign_in_from(limited, f"10.1.0.{n}", member.username,
                             "sbagliata!")[1].status_code == 200
    waits = []
    for n in range(8):
        _client, refused = _sign_in_from(limited, f"10.1.1.{n}", member.username, "x")
        assert refused.status_code == 429
        waits.append(_retry_after(refused))
        clock[0] += waits[-1]
        assert _sign_in_from(limited, f"10.1.2.{n}", member.username,
                             "sbagliata!")[1].status_code == 200
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]
    # While the attacker's delay runs, the owner's own browser still gets in at once.
    token = csrf_from(owner.get("/auth/login"))
    back = owner.post("/auth/login", data={"csrf_token": token, "login": member.username,
                                           "password": member.password})
    assert back.status_code == 302, (owner.get_cookie("known_device"), text_of(back)[-300:])


def test_account_deletion_checks_the_password_under_the_same_delay(limited, client, make_user,
                                                                   login, monkeypatch):
    member = make_user()
    login(member)
    # The signed-in browser is the owner's, so clear its known-device mark: the attacker in
    # this test holds a stolen session, not the owner's browser.
    client.delete_cookie(limits.KNOWN_DEVICE_COOKIE)
    codes = [submit(client, "/account/delete", {"password": "sbagliata!"},
                    follow=False).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
