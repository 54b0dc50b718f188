"""What members can report: one `ReportKind` per kind of content, by its URL code.

A kind (`forum.core.reportable.ReportKind`) says how to load an item, what to call it, where it
lives, who wrote it and what staff read in the queue. Each content package describes its kinds
in its own `reports.py` and `create_app` registers them here, so this package imports none.
"""
from forum.core.reportable import ReportKind

KINDS: dict[str, ReportKind] = {}


def register(*kinds: ReportKind) -> None:
    """Called from create_app with each content package's kinds (again for every app: a kind
    registered twice replaces itself)."""
    for kind in kinds:
        KINDS[kind.name] = kind


def get(name: str) -> ReportKind | None:
    return KINDS.get(name)


def kinds() -> dict[str, ReportKind]:
    return KINDS


def kind_of(item) -> str | None:
    for name, kind in kinds().items():
        if isinstance(item, kind.model):
            return name
    return None
