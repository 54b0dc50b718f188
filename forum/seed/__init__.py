"""Demo data for `flask --app forum seed-demo`: an ordered list of idempotent steps.

Each step looks its rows up (by slug, name or username) before creating them, so running
the command again adds nothing. Later packages append their own steps to STEPS, after the
ones whose rows they need (twinnings need cities, discussions need members).
"""
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from forum.core.db import utcnow
from forum.seed import accounts, calls, discussions, places, practices, twinnings


@dataclass
class SeedRun:
    """What a step needs: one clock for the whole run, and a tally of rows per kind."""

    now: datetime = field(default_factory=utcnow)
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)

    def tally(self, kind: str, created: bool) -> None:
        # Both counters get every kind, in the order the steps met them.
        self.created[kind] += int(created)
        self.existing[kind] += int(not created)


Step = Callable[[SeedRun], None]

STEPS: list[tuple[str, Step]] = [
    ("cities", places.seed_cities),
    ("organisations", places.seed_organisations),
    ("accounts", accounts.seed_accounts),
    ("networks", twinnings.seed_networks),
    ("twinnings", twinnings.seed_twinnings),
    ("lecce", twinnings.seed_lecce),
    ("discussions", discussions.seed_discussions),
    ("calls", calls.seed_calls),
    ("practices", practices.seed_practices),
]


def run(steps: list[tuple[str, Step]] | None = None, now: datetime | None = None) -> SeedRun:
    """Run the steps in order; each flushes, the caller commits."""
    seed = SeedRun(now=now or utcnow())
    for _name, step in steps or STEPS:
        step(seed)
    return seed
