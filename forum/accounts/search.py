"""Members in the site search: their type, registered by create_app."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.core.searchable import Document, SearchType, join, site_path, text


def _member_doc(u: User) -> Document | None:
    """Listed, not deleted members only, and only what their public profile shows."""
    if not u.listed or u.is_deleted:
        return None
    return Document(
        title=u.display_name,
        summary=join(u.profession, u.organisation.name if u.organisation else None),
        body=text(u.bio_html) or (u.bio or ""),
        cities=[u.city.slug] if u.city else [], date=u.joined_at,
    )


MEMBERS = SearchType(
    name="member", model=User, label=_l("Members"),
    build=_member_doc,
    url=lambda u: site_path("members", u.username),
    can_see=lambda user, u: bool(u.listed and not u.is_deleted),
    options=lambda: [joinedload(User.city), joinedload(User.organisation)],
    # A member's result names their city, not when they joined.
    date_of=lambda u: None,
    place_of=lambda u: u.city.name if u.city else None,
    fields=("username", "full_name", "profession", "organisation_id", "city_id", "bio",
            "bio_html", "listed", "deleted_at"),
)


SEARCH_TYPES = (MEMBERS,)
