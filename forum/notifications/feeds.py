"""The site's Atom feeds beside the calls feed: latest discussions, each twinning, each network
and the practices.

A feed is read the same by everyone who fetches it (readers share them), so its entries are
what a visitor may see, by the one predicate of core/visibility.py: nothing hidden, pending or
deleted, nothing in a space a visitor may not see, even when staff fetch it signed in.
"""
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.core.atom import EMPTY_FEED_UPDATED, Entry, Feed, in_languages
from forum.core.urls import site_url
from forum.core.visibility import visible_to
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.places.models import Network
from forum.practices.models import Practice
from forum.twinnings.models import Twinning

LIMIT = 30
VISITOR = AnonymousUserMixin()


def _feed(endpoint: str, title: str, page_url: str, entries: list[Entry], *,
          empty_updated=EMPTY_FEED_UPDATED, **values) -> Feed:
    language, self_url, translations = in_languages(endpoint, **values)
    return Feed(title=title, self_url=self_url, page_url=page_url, language=language,
                translations=translations, updated_fallback=empty_updated,
                entries=sorted(entries, key=lambda e: (e.published, e.url), reverse=True)[:LIMIT])


# --- discussions -----------------------------------------------------------------------------

def _discussion_rows(*where) -> list[tuple[Discussion, str | None]]:
    """The newest discussions a visitor may see, in spaces a visitor may see, with the name of
    their space."""
    query = (
        select(Discussion, Twinning.title, Network.name)
        .outerjoin(Twinning, Discussion.twinning_id == Twinning.id)
        .outerjoin(Network, Discussion.network_id == Network.id)
        .where(visible_to(Discussion, VISITOR),
               Discussion.twinning_id.is_(None) | visible_to(Twinning, VISITOR),
               Discussion.network_id.is_(None) | visible_to(Network, VISITOR), *where)
        .order_by(Discussion.created_at.desc(), Discussion.id.desc()).limit(LIMIT))
    return [(discussion, twinning or network)
            for discussion, twinning, network in db.session.execute(query)]


def _opening_posts(discussion_ids: list[int]) -> dict[int, Post]:
    """The first post of each discussion, when a visitor may read it (its author joined)."""
    if not discussion_ids:
        return {}
    query = select(Post).where(Post.discussion_id.in_(discussion_ids), Post.number == 1,
                               visible_to(Post, VISITOR))
    return {post.discussion_id: post for post in db.session.scalars(query).unique()}


def _discussion_entries(rows, *, with_space: bool) -> list[Entry]:
    openings = _opening_posts([discussion.id for discussion, _space in rows])
    entries = []
    for discussion, space in rows:
        opening = openings.get(discussion.id)
        entries.append(Entry(
            url=site_url("discussions.show", discussion_id=discussion.id),
            title=discussion.title, published=discussion.created_at,
            updated=(opening.edited_at if opening is not None and opening.edited_at
                     else discussion.created_at),
            author=opening.author.display_name if opening and opening.author else None,
            summary=_("In “%(space)s”", space=space) if with_space and space else None,
            content_html=opening.body_html if opening is not None else None))
    return entries


def discussions_feed() -> Feed:
    entries = _discussion_entries(_discussion_rows(), with_space=True)
    return _feed("notifications.discussions_feed", _("Gemellaggi: latest discussions"),
                 site_url("home.index"), entries)


# --- twinnings and networks ------------------------------------------------------------------

def visible_twinning(slug: str) -> Twinning | None:
    return db.session.scalar(select(Twinning).where(Twinning.slug == slug,
                                                    visible_to(Twinning, VISITOR)))


def visible_network(slug: str) -> Network | None:
    return db.session.scalar(select(Network).where(Network.slug == slug,
                                                   visible_to(Network, VISITOR)))


def twinning_feed(twinning: Twinning) -> Feed:
    """The twinning's new discussions."""
    entries = _discussion_entries(_discussion_rows(Discussion.twinning_id == twinning.id),
                                  with_space=False)
    return _feed("notifications.twinning_feed",
                 _("Gemellaggi: %(title)s", title=twinning.title),
                 site_url("twinnings.show", slug=twinning.slug), entries,
                 empty_updated=twinning.created_at, slug=twinning.slug)


def network_feed(network: Network) -> Feed:
    """The network's new discussions and its new twinnings."""
    entries = _discussion_entries(_discussion_rows(Discussion.network_id == network.id),
                                  with_space=False)
    twinnings = db.session.scalars(
        select(Twinning).where(Twinning.network_id == network.id, visible_to(Twinning, VISITOR))
        .order_by(Twinning.created_at.desc(), Twinning.id.desc()).limit(LIMIT))
    entries += [Entry(url=site_url("twinnings.show", slug=t.slug), title=t.title,
                      published=t.created_at, updated=t.created_at,
                      category=_("Twinning"), summary=t.summary or None,
                      content_html=t.description_html or None) for t in twinnings]
    return _feed("notifications.network_feed", _("Gemellaggi: %(title)s", title=network.name),
                 site_url("places.network", slug=network.slug), entries,
                 empty_updated=network.created_at,
                 slug=network.slug)


# --- practices -------------------------------------------------------------------------------

def practices_feed() -> Feed:
    query = (select(Practice).options(joinedload(Practice.author))
             .where(visible_to(Practice, VISITOR))
             .order_by(Practice.created_at.desc(), Practice.id.desc()).limit(LIMIT))
    entries = [Entry(url=site_url("practices.show", practice_id=p.id), title=p.title,
                     published=p.created_at, updated=p.updated_at or p.created_at,
                     author=p.author.display_name if p.author else None,
                     category=str(p.kind_label), summary=p.summary or None,
                     content_html=p.body_html or None, language=p.language)
               for p in db.session.scalars(query).unique()]
    return _feed("notifications.practices_feed", _("Gemellaggi: good practices, offered and "
                                                   "sought"),
                 site_url("practices.index"), entries)
