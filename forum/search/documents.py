"""Registrations of the content types that exist today; later packages add theirs the same way."""
from urllib.parse import quote

from flask import request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, object_session, selectinload

from forum.accounts.models import User
from forum.core import visibility
from forum.discussions.models import Discussion, Post, page_of
from forum.places.models import City, Network, Project
from forum.search.registry import Document, SearchType, register, strictest
from forum.twinnings.models import Twinning, TwinningCity


def text(html: str | None) -> str:
    """The words of stored, sanitised HTML, without tags or entities."""
    return Markup(html or "").striptags()


def join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def _path(*parts) -> str:
    root = request.script_root if request else ""
    return root + "/" + "/".join(quote(str(p), safe="") for p in parts)


def _changed(obj, *attrs: str) -> bool:
    state = inspect(obj)
    if state.deleted or state.was_deleted:
        return True
    return any(state.attrs[name].history.has_changes() for name in attrs if name in state.attrs)


def _ids(obj, statement) -> list[int]:
    session = object_session(obj)
    if session is None:
        return []
    # Called from after_flush: querying must not start a flush inside the flush.
    with session.no_autoflush:
        return list(session.scalars(statement))


# --- twinnings ----------------------------------------------------------------------------


def _twinning_doc(t: Twinning) -> Document | None:
    if t.visibility == visibility.DELETED:
        return None
    return Document(
        title=t.title, summary=t.summary or "",
        body=join(text(t.description_html), text(t.objectives_html), text(t.results_html)),
        cities=sorted(tc.city.slug for tc in t.cities),
        network=t.network.slug if t.network else None, twinning=t.slug,
        themes=t.theme_codes, author_id=t.author_id, date=t.created_at,
        visibility=strictest(t.visibility, t.network.visibility if t.network else None),
    )


def _space_children(obj, column) -> list[tuple[str, int]]:
    """A space's discussions and their posts, when what they inherit from it changed."""
    if not _changed(obj, "visibility", "slug", "title", "name"):
        return []
    discussion_ids = _ids(obj, select(Discussion.id).where(column == obj.id))
    post_ids = _ids(obj, select(Post.id).where(Post.discussion_id.in_(discussion_ids))) \
        if discussion_ids else []
    return [("discussion", i) for i in discussion_ids] + [("post", i) for i in post_ids]


register(SearchType(
    name="twinning", model=Twinning, label=_l("Twinnings"),
    build=_twinning_doc,
    url=lambda t: _path("twinnings", t.slug),
    options=lambda: [selectinload(Twinning.cities).joinedload(TwinningCity.city),
                     joinedload(Twinning.network)],
    related={TwinningCity: lambda tc: [("twinning", tc.twinning_id)]},
    fields=("title", "slug", "summary", "description_html", "objectives_html", "results_html",
            "network_id", "themes", "visibility", "author_id"),
))


# --- discussions and posts ----------------------------------------------------------------


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


def _post_url(p: Post) -> str:
    page = page_of(p.number)
    url = _path("discussions", p.discussion_id)
    return f"{url}?page={page}#post-{p.number}" if page > 1 else f"{url}#post-{p.number}"


def _discussion_options():
    return [joinedload(Discussion.twinning).selectinload(Twinning.cities)
            .joinedload(TwinningCity.city),
            joinedload(Discussion.twinning).joinedload(Twinning.network),
            joinedload(Discussion.network)]


register(SearchType(
    name="discussion", model=Discussion, label=_l("Discussions"),
    build=_discussion_doc,
    url=lambda d: _path("discussions", d.id),
    options=_discussion_options,
    fields=("title", "visibility", "themes", "twinning_id", "network_id", "author_id"),
    related={
        Post: lambda p: [("discussion", p.discussion_id)] if p.number == 1 else [],
        Twinning: lambda t: [k for k in _space_children(t, Discussion.twinning_id)
                             if k[0] == "discussion"],
        Network: lambda n: [k for k in _space_children(n, Discussion.network_id)
                            if k[0] == "discussion"],
    },
))

register(SearchType(
    name="post", model=Post, label=_l("Posts"),
    build=_post_doc,
    url=_post_url,
    can_see=lambda user, p: visibility.can_see(user, p) and visibility.can_see(user, p.discussion),
    options=lambda: [joinedload(Post.discussion).options(*_discussion_options())],
    related={
        Discussion: lambda d: [("post", i) for i in _ids(
            d, select(Post.id).where(Post.discussion_id == d.id, Post.number > 1))]
        if _changed(d, "visibility", "title", "themes", "twinning_id", "network_id") else [],
        Twinning: lambda t: [k for k in _space_children(t, Discussion.twinning_id)
                             if k[0] == "post"],
        Network: lambda n: [k for k in _space_children(n, Discussion.network_id)
                            if k[0] == "post"],
    },
))


# --- places -------------------------------------------------------------------------------


def _network_doc(n: Network) -> Document | None:
    if n.visibility == visibility.DELETED:
        return None
    return Document(title=n.name, summary=n.summary or "", body=text(n.description_html),
                    network=n.slug, date=n.created_at, visibility=n.visibility)


register(SearchType(
    name="network", model=Network, label=_l("Networks"),
    build=_network_doc,
    url=lambda n: _path("networks", n.slug),
))


def _city_doc(c: City) -> Document:
    return Document(title=c.name, summary=join(c.province, c.region),
                    body=text(c.description_html) or (c.description or ""), cities=[c.slug])


register(SearchType(
    name="city", model=City, label=_l("Cities"),
    build=_city_doc,
    url=lambda c: _path("cities", c.slug),
    can_see=lambda user, c: True,  # city profiles are public facts, with no visibility state
))


def _project_doc(p: Project) -> Document | None:
    if p.visibility == visibility.DELETED:
        return None
    return Document(title=p.title, summary=p.target_areas or "", body=text(p.description_html),
                    cities=[p.city.slug], themes=p.theme_codes, author_id=p.author_id,
                    date=p.created_at, visibility=p.visibility)


register(SearchType(
    name="project", model=Project, label=_l("Projects"),
    build=_project_doc,
    url=lambda p: _path("cities", p.city.slug, "projects", p.id),
    options=lambda: [joinedload(Project.city)],
))


# --- members ------------------------------------------------------------------------------


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


register(SearchType(
    name="member", model=User, label=_l("Members"),
    build=_member_doc,
    url=lambda u: _path("members", u.username),
    can_see=lambda user, u: bool(u.listed and not u.is_deleted),
    fields=("username", "full_name", "profession", "organisation_id", "city_id", "bio",
            "bio_html", "listed", "deleted_at"),
))


# --- calls for funding --------------------------------------------------------------------


def _call_doc(c) -> Document | None:
    if c.visibility == visibility.DELETED:
        return None
    return Document(title=c.title, summary=join(c.summary, c.programme, c.issuer),
                    body=text(c.body_html), themes=c.theme_codes,
                    author_id=c.author_id, date=c.published_at or c.created_at,
                    visibility=c.visibility)


def _register_calls() -> None:
    from forum.calls.models import Call

    register(SearchType(
        name="call", model=Call, label=_l("Calls for funding"),
        build=_call_doc,
        url=lambda c: _path("calls", c.id),
        fields=("title", "summary", "programme", "issuer", "body_html", "themes", "level",
                "visibility", "author_id", "published_at"),
    ))


_register_calls()

# Practices register beside their models (forum/practices/search.py); imported here so the
# registry knows them wherever it is first read.
from forum.practices import search as _practices  # noqa: E402, F401
