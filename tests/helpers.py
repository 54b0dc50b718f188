"""Fixtures and helpers shared by the tests: members, sign-in, forms with CSRF, the outbox."""
import itertools
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from forum.extensions import db

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    return " ".join(page(response).get_text(" ").split())


def csrf_from(response) -> str:
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no CSRF token on the page"
    return field["value"]


def submit(client, url, data, *, form_url=None, follow=True, **kwargs):
    """POST a form the way a browser does: fetch the page, take its CSRF token, send."""
    token = csrf_from(client.get(form_url or url))
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=follow, **kwargs)


@pytest.fixture
def make_user(app):
    """Create (and commit inside the test's transaction) a member; returns its id and name."""
    from forum.accounts.services import create_user

    def make(username=None, *, password=PASSWORD, role="member", confirmed=True, **profile):
        n = next(_serial)
        username = username or f"member{n}"
        email = profile.pop("email", f"{username.lower()}@example.org")
        profile.setdefault("listed", True)
        with app.app_context():
            user = create_user(username, email, password, role=role, confirmed=confirmed,
                               **profile)
            db.session.commit()
            return Member(user.id, user.username, email, password)

    return make


class Member:
    def __init__(self, id, username, email, password):
        self.id, self.username, self.email, self.password = id, username, email, password


@pytest.fixture
def login(client):
    def sign_in(member, remember=False):
        data = {"login": member.username, "password": member.password}
        if remember:
            data["remember"] = "y"
        response = submit(client, "/auth/login", data)
        assert response.status_code == 200
        return response

    return sign_in


@pytest.fixture
def outbox(app):
    """The messages in the outbox, oldest first, as (recipient, subject, body) rows."""
    from forum.notifications.models import OutboxMessage

    def read():
        with app.app_context():
            rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return [(m.recipient, m.subject, m.body) for m in rows]

    return read


def link_in(body: str, path_part: str) -> str:
    """The path of the first link in a mail body that contains path_part."""
    paths = [p for p in re.findall(r"https?://[^/\s]+(/\S*)", body) if path_part in p]
    assert paths, f"no link with {path_part!r} in: {body}"
    return paths[0]
