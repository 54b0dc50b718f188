"""Discussions and posts in the site search: their types, registered by create_app."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, object_session

from forum.core import visibility
from forum.core.searchable import (
    Document,
    SearchType,
    changed,
    city_names,
    ids_of,
    site_path,
    strictest,
    text,
)
from forum.discussions.models import Discussion, Post
from forum.discussions.urls import post_location
from forum.places.models import Network
from forum.twinnings.models import Twinning, TwinningCity


def _space_children(obj, column) -> list[tuple[str, int]]:
    """A space's discussions and their posts, when what they inherit from it changed."""
    if not changed(obj, "visibility", "slug", "title", "name"):
        return []
    discussion_ids = ids_of(obj, select(Discussion.id).where(column == obj.id))
    post_ids = ids_of(obj, select(Post.id).where(Post.discussion_id.in_(discussion_ids))) \
        if discussion_ids else []
    return [("discussion", i) for i in discussion_ids] + [("post", i) for i in post_ids]


def _space_facets(d: Discussion) -> dict:
    space = d.twinning or d.network
    cities = sorted(tc.city.slug for tc in d.twinning.cities) if d.twinning else []
    return {
        "cities": cities,
        "twinning": d.twinning.slug if d.twinning else None,
        "network": (d.network.slug if d.network
                    else d.twinning.network.slug if d.twinning and d.twinning.network else None),
        "themes": d.theme_codes or (d.twinning.theme_codes if d.twinning else []),
        "space_visibility": space.visibility if space else None,
    }


def _opening_post(d: Discussion) -> Post | None:
    session = object_session(d)
    return session.scalar(select(Post).where(Post.discussion_id == d.id, Post.number == 1))


def _discussion_doc(d: Discussion) -> Document | None:
    facets = _space_facets(d)
    state = strictest(d.visibility, facets.pop("space_visibility"))
    if state == visibility.DELETED:
        return None
    opening = _opening_post(d)
    # A hidden opening post is never found through its discussion either.
    body = text(opening.body_html) if opening and opening.visibility == visibility.PUBLISHED \
        else ""
    return Document(title=d.title, body=body, author_id=d.author_id, date=d.created_at,
                    visibility=state, **facets)


def _post_doc(p: Post) -> Document | None:
    if p.number == 1:
        return None  # the opening post is its discussion's text
    d = p.discussion
    facets = _space_facets(d)
    state = strictest(p.visibility, d.visibility, facets.pop("space_visibility"))
    if state == visibility.DELETED:
        return None
    return Document(title=d.title, index_title=False, body=text(p.body_html),
                    author_id=p.author_id,
                    date=p.created_at, visibility=state, parents=[f"discussion:{d.id}"],
                    **facets)


def _space_place(d: Discussion) -> str | None:
    """Where a discussion is: its twinning's cities, or its network."""
    if d.twinning is not None:
        return city_names(tc.city for tc in d.twinning.cities)
    return d.network.name if d.network is not None else None


def _discussion_options():
    return [joinedload(Discussion.twinning).selectinload(Twinning.cities)
            .joinedload(TwinningCity.city),
            joinedload(Discussion.twinning).joinedload(Twinning.network),
            joinedload(Discussion.network)]


DISCUSSIONS = SearchType(
    name="discussion", model=Discussion, label=_l("Discussions"),
    build=_discussion_doc,
    url=lambda d: site_path("discussions", d.id),
    options=_discussion_options,
    fields=("title", "visibility", "themes", "twinning_id", "network_id", "author_id"),
    place_of=_space_place,
    shows_author=True,
    related={
        Post: lambda p: [("discussion", p.discussion_id)] if p.number == 1 else [],
        Twinning: lambda t: [k for k in _space_children(t, Discussion.twinning_id)
                             if k[0] == "discussion"],
        Network: lambda n: [k for k in _space_children(n, Discussion.network_id)
                            if k[0] == "discussion"],
    },
)

POSTS = SearchType(
    name="post", model=Post, label=_l("Posts"),
    build=_post_doc,
    url=post_location,
    shows_author=True,
    can_see=lambda user, p: visibility.can_see(user, p) and visibility.can_see(user, p.discussion),
    options=lambda: [joinedload(Post.discussion).options(*_discussion_options())],
    related={
        Discussion: lambda d: [("post", i) for i in ids_of(
            d, select(Post.id).where(Post.discussion_id == d.id, Post.number > 1))]
        if changed(d, "visibility", "title", "themes", "twinning_id", "network_id") else [],
        Twinning: lambda t: [k for k in _space_children(t, Discussion.twinning_id)
                             if k[0] == "post"],
        Network: lambda n: [k for k in _space_children(n, Discussion.network_id)
                            if k[0] == "post"],
    },
)


SEARCH_TYPES = (DISCUSSIONS, POSTS)
