"""Who and what open data may name."""

# The word an author is published as when they may not be named.
ANONYMOUS_AUTHOR = "member"


def may_name(listed: bool, deleted_at, named: bool) -> bool:
    """Only members listed in the directory who did not opt out, and never a former member."""
    return bool(listed and deleted_at is None and named)

