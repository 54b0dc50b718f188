"""Test data for practices: the matching fixture loaded through the importer, and helpers."""
import json
from pathlib import Path

from forum.accounts.models import User
from forum.extensions import db
from forum.places.models import City, Organisation

FIXTURE = Path(__file__).parent / "fixtures" / "practices_matching.json"


def fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def first_right(order: list[str], expectation: dict) -> int:
    """1-based rank of the first right answer (the intended one or one `also_right`), 99
    when none is suggested (scripts/matching_eval.py counts the same way)."""
    right = {expectation["intended"], *expectation.get("also_right", ())}
    return next((i for i, key in enumerate(order, 1) if key in right), 99)


def fixture_author() -> User:
    from forum.accounts.services import create_user

    user = db.session.scalar(db.select(User).where(User.username_key == "fixture.author"))
    return user or create_user("fixture.author", "fixture.author@example.org", "x" * 12,
                               confirmed=True)


def load_fixture() -> dict:
    """Import every record of the matching fixture; key -> Practice. Needs an app context."""
    from forum.practices.importer import import_practices

    author = fixture_author()
    data = fixture()
    keys = list(data["records"])
    records = [{**data["records"][key], "author": author.username} for key in keys]
    created = import_practices(json.dumps(records, ensure_ascii=False, indent=1))
    return dict(zip(keys, created, strict=True))


def place(slug: str, name: str) -> City:
    found = db.session.scalar(db.select(City).where(City.slug == slug))
    if found is None:
        found = City(slug=slug, name=name)
        db.session.add(found)
        db.session.flush()
    return found


def public_administration(name: str, city: City | None = None) -> Organisation:
    found = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name, kind="public-administration", city=city)
        db.session.add(found)
        db.session.flush()
    return found
