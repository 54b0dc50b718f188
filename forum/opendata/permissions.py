"""Who and what open data may name."""

# The word an author is published as when they may not be named.
ANONYMOUS_AUTHOR = "member"


def may_name_member(user) -> bool:
    """Only members listed in the directory who did not opt out, and never a former member."""
    return bool(user is not None and user.listed and not user.deleted_at
                and user.opendata_named)
