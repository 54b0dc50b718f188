"""Test data for calls for funding, made through the services as staff would."""
from datetime import UTC, datetime, timedelta

from forum.calls import services
from forum.calls.models import ROME
from forum.core.db import utcnow
from tests.twinning_data import staff_user


def rome_wall(instant: datetime) -> datetime:
    """The naive Italian wall-clock time of an instant: what the form sends."""
    return instant.astimezone(ROME).replace(tzinfo=None)


def call_data(**overrides) -> dict:
    now = overrides.pop("now", None) or utcnow()
    closes_in = overrides.pop("closes_in", timedelta(days=30))
    data = {
        "title": "Smart city call", "issuer": "European Commission", "level": "eu",
        "programme": "URBACT IV", "summary": "A call for cities.", "body": "Some **text**.",
        "applicants": ["municipalities"], "themes": ["open-data"],
        "total_budget": None, "max_grant": None, "cofunding_rate": None,
        "opens_on": (now - timedelta(days=10)).astimezone(ROME).date(),
        "deadline": rome_wall(now + closes_in).replace(second=0, microsecond=0),
        "official_url": "https://example.org/call", "is_example": False,
    }
    data.update(overrides)
    return data


def make_call(author=None, *, now=None, **overrides):
    """A call created (and flushed) by staff unless another author is given."""
    now = now or utcnow()
    return services.create_call(author or staff_user(), call_data(now=now, **overrides),
                                now=now)


def at(text: str) -> datetime:
    """An aware UTC instant from '2026-03-20 10:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
