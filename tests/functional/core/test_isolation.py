"""The per-test transaction really is rolled back, on each database."""
import pytest
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.extensions import db


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_starts_with_an_empty_members_table(app, make_user, round_):
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
    make_user("same-name")
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1
