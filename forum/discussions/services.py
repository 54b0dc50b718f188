"""Rules about discussions and posts. Services flush, never commit, and take the actor explicitly.

This module is the contract other packages call: twinnings create their general discussion
with `create_general_discussion`, space pages list with `discussions_in`, the home page with
`latest_discussions`.
"""
import re
import secrets
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.attachments import services as attachments
from forum.core import limits
from forum.core.db import utcnow
from forum.core.errors import ServiceError
from forum.core.markup import render_markdown, sanitise_html
from forum.core.visibility import DELETED, PENDING, PUBLISHED, visible_to
from forum.core.web import PAGE_SIZE
from forum.discussions.models import GENERAL_TITLE, Discussion, Post
from forum.discussions.urls import post_location
from forum.extensions import db
from forum.moderation import audit, trust
from forum.notifications import events, follows
from forum.places.models import Network
from forum.twinnings.models import Twinning, TwinningParticipant

# GENERAL_TITLE (models) is stored in Italian, the site's first language, and shown
# translated; the opening post is content, kept as written.
GENERAL_BODY = (
    "Questa è la discussione generale del gemellaggio «{title}»: partecipa e lascia la tua "
    "testimonianza. Racconta la tua esperienza, fai domande, condividi documenti e risultati."
)

TITLE_MAX = 200
BODY_MAX = 20_000


# --- writing ---------------------------------------------------------------------------------

def create_general_discussion(author: User | None, twinning: Twinning) -> Discussion:
    """The discussion every twinning starts with, inviting everyone to take part."""
    discussion = _new_discussion(author, twinning, GENERAL_TITLE, is_general=True)
    _add_post(discussion, author, GENERAL_BODY.format(title=twinning.title))
    return discussion


def start_discussion(author: User, space, title: str, body: str, files=(),
                     submission_key: str | None = None) -> Discussion:
    """A discussion and its opening post; `files` (uploads) are attached to that post.

    A `submission_key` already used by this author returns the discussion it started.
    Raises ServiceError (an UploadError for a refused file); then nothing is created.
    """
    earlier = _submitted(author, submission_key)
    if earlier is not None:
        return earlier.discussion
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Give the discussion a title."), field="title")
    _check_body(body)
    _check_trust(author, body, new_discussion=True)
    checked = attachments.check_files(files)
    held = trust.hold_for_review(author)
    discussion = _new_discussion(author, space, title[:TITLE_MAX])
    if held:
        discussion.visibility = PENDING
    post = _add_post(discussion, author, body, held=held, submission_key=submission_key)
    attachments.store(author, "post", post.id, checked)
    _follow_for(post)
    announce(discussion)
    return discussion


def reply(author: User, discussion: Discussion, body: str, files=(),
          submission_key: str | None = None) -> Post:
    """A reply; a `submission_key` this author already used returns that reply instead."""
    earlier = _submitted(author, submission_key)
    if earlier is not None:
        return earlier
    if discussion.locked:
        raise ServiceError(_("This discussion is locked: it accepts no new replies."), field="body")
    _check_body(body)
    _check_trust(author, body)
    checked = attachments.check_files(files)
    post = _add_post(discussion, author, body, held=trust.hold_for_review(author),
                     submission_key=submission_key)
    attachments.store(author, "post", post.id, checked)
    _follow_for(post)
    announce(post)
    return post


def announce(item) -> None:
    """Tell followers and mentioned members about a new discussion or reply. Held content
    notifies nobody (forum.notifications checks it is public); staff approving it calls this
    again."""
    if isinstance(item, Discussion):
        opening = next((p for p in item.posts if p.number == 1), None)
        mentioned = mentioned_ids(opening) if opening is not None else []
        events.emit("discussion.started", item.author, item, mentioned=mentioned)
    else:
        events.emit("post.replied", item.author, item, mentioned=mentioned_ids(item))


def _follow_for(post: Post) -> None:
    # Writing in a discussion, or being mentioned in it, follows it (a mute stays a mute).
    follows.follow_automatically([post.author_id], post.discussion, "posted")
    follows.follow_automatically(mentioned_ids(post), post.discussion, "mentioned")


_MENTION_LINK = re.compile(r'<a href="/members/([^"/?#]+)"[^>]*>@')


def mentioned_ids(post: Post) -> list[int]:
    """The members a post mentions: the @names its stored HTML links (not those in code)."""
    from urllib.parse import unquote

    keys = {unquote(name).lower() for name in _MENTION_LINK.findall(post.body_html or "")}
    if not keys:
        return []
    return list(db.session.scalars(select(User.id).where(
        User.username_key.in_(keys), User.deleted_at.is_(None))))


SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_submission_key() -> str:
    """The idempotency key a post form carries in a hidden field."""
    return secrets.token_urlsafe(16)


def _submitted(author: User, key: str | None) -> Post | None:
    """The post this author already made with this form, if the form is being sent again."""
    if not key or not SUBMISSION_KEY.fullmatch(key):
        return None
    return db.session.scalar(
        select(Post).where(Post.author_id == author.id, Post.submission_key == key))


def _check_trust(author: User, body: str, new_discussion: bool = False) -> None:
    # New members' tighter limits (forum.moderation.trust): fewer new discussions an hour,
    # fewer links, no repeated text; the refusal says when they may post again.
    problem = trust.posting_problem(author, body, new_discussion=new_discussion)
    if problem:
        message, wait = problem
        if wait is None:
            raise ServiceError(message, field="body")
        raise limits.LimitRefusal(f"{message} {limits.wait_text(wait)}", wait, field="body")


def edit_post(editor: User, post: Post, body: str, title: str | None = None, files=(),
              reason: str | None = None) -> Post:
    """New text for a post (and a new title when it opens its discussion), marked as edited;
    `files` are added to the post's attachments."""
    if post.visibility == DELETED:
        raise ServiceError(_("A deleted post cannot be edited."), field="body")
    _check_body(body)
    checked = attachments.check_files(files)
    if title is not None and post.number == 1:
        title = title.strip()
        if not title:
            raise ServiceError(_("Give the discussion a title."), field="title")
        post.discussion.title = title[:TITLE_MAX]
    post.body = body
    post.body_html = render_body(body)
    post.edited_at = utcnow()
    db.session.flush()
    attachments.store(editor, "post", post.id, checked)
    if _by_staff_on_other(editor, post):
        audit.record_for(editor, "edit", post, reason=reason)
        _tell_author(editor, post, "edited", reason)
    return post


def _by_staff_on_other(actor: User, post: Post) -> bool:
    # Staff changing someone else's post is a staff action: it goes in the moderation log.
    return bool(actor is not None and actor.is_staff and actor.id != post.author_id)


def _tell_author(actor: User, post: Post, action: str, reason: str | None) -> None:
    """Staff acted on someone else's post, from the discussion page or the moderation queue:
    the author is told, with the reason, in their language (forum.notifications)."""
    if post.author is None:
        return
    events.emit("moderation.acted", actor, post, author=post.author,
                title=post.discussion.title, link=post_location(post),
                detail=f"{action}:{reason or ''}")


def delete_post(actor: User, post: Post, reason: str | None = None) -> None:
    """The post stays, as a placeholder, so numbers, pages and quotes keep their place.

    The body is kept for staff (moderation, appeals) but nobody else sees it again.
    """
    post.visibility = DELETED
    db.session.flush()
    refresh_counts(post.discussion)
    if _by_staff_on_other(actor, post):
        audit.record_for(actor, "delete", post, reason=reason)
        _tell_author(actor, post, "deleted", reason)


def restore_post(actor: User, post: Post, reason: str | None = None) -> None:
    post.visibility = PUBLISHED
    post.visibility_reason = None
    db.session.flush()
    refresh_counts(post.discussion)
    audit.record_for(actor, "restore", post, reason=reason)
    if _by_staff_on_other(actor, post):
        _tell_author(actor, post, "restored", reason)


def set_pinned(actor: User, discussion: Discussion, pinned: bool,
               reason: str | None = None) -> None:
    if discussion.pinned != bool(pinned):
        discussion.pinned = bool(pinned)
        db.session.flush()
        audit.record_for(actor, "pin" if pinned else "unpin", discussion, reason=reason)


def set_locked(actor: User, discussion: Discussion, locked: bool,
               reason: str | None = None) -> None:
    if discussion.locked != bool(locked):
        discussion.locked = bool(locked)
        db.session.flush()
        audit.record_for(actor, "lock" if locked else "unlock", discussion, reason=reason)


def refresh_counts(discussion: Discussion) -> None:
    """Recount from the posts anyone can see: replies, participants, last activity."""
    visible = (Post.discussion_id == discussion.id) & (Post.visibility == PUBLISHED)
    replies, participants = db.session.execute(
        select(
            func.count(Post.id).filter(Post.number > 1),
            func.count(func.distinct(Post.author_id)),
        ).where(visible)
    ).one()
    last = db.session.execute(
        select(Post.id, Post.created_at).where(visible).order_by(Post.number.desc()).limit(1)
    ).first()
    discussion.reply_count = replies
    discussion.participant_count = participants
    discussion.last_post_id = last.id if last else None
    discussion.last_activity_at = last.created_at if last else discussion.created_at
    db.session.flush()


def _new_discussion(author, space, title: str, *, is_general: bool = False) -> Discussion:
    now = utcnow()
    discussion = Discussion(
        title=title, author_id=author.id if author else None, is_general=is_general,
        created_at=now, last_activity_at=now,
    )
    if isinstance(space, Twinning):
        discussion.twinning = space
    elif isinstance(space, Network):
        discussion.network = space
    else:
        raise TypeError(f"a discussion lives in a twinning or a network, not {space!r}")
    db.session.add(discussion)
    db.session.flush()
    return discussion


def _add_post(discussion: Discussion, author: User | None, body: str, held: bool = False,
              submission_key: str | None = None) -> Post:
    number = reserve_number(discussion)
    post = Post(
        discussion=discussion, author_id=author.id if author else None, number=number,
        body=body, body_html=render_body(body), created_at=utcnow(),
        submission_key=submission_key if submission_key and SUBMISSION_KEY.fullmatch(
            submission_key) else None,
    )
    if held:
        # forum.moderation.trust: a new member's post waits for staff approval.
        post.visibility = PENDING
    db.session.add(post)
    db.session.flush()
    refresh_counts(discussion)
    if held:
        audit.record_for(None, "hold", post)
    return post


def reserve_number(discussion: Discussion) -> int:
    """The next post number, reserved in the statement that reads it.

    Not max(number) + 1: two replies reading the same maximum at once would both take it.
    The UPDATE holds the discussion's row (PostgreSQL) or the database's write lock (SQLite,
    BEGIN IMMEDIATE) until the commit, so the next writer waits and reads the new value.
    Numbers are never reused: deleted posts stay as placeholders and keep theirs.
    """
    statement = (
        update(Discussion).where(Discussion.id == discussion.id)
        .values(last_number=Discussion.last_number + 1).returning(Discussion.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(statement).scalar_one()
    set_committed_value(discussion, "last_number", number)
    return number


def _check_body(body: str) -> None:
    if not (body or "").strip():
        raise ServiceError(_("Write something before sending."), field="body")
    if len(body) > BODY_MAX:
        raise ServiceError(_("A post can be at most %(n)s characters long.", n=BODY_MAX),
                           field="body")


# --- rendering -------------------------------------------------------------------------------

# `@name` preceded by nothing that would make it part of an address or a word.
MENTION = re.compile(r"(?<![\w@/.:+-])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?)")
# Text inside these never becomes a link: links can't nest, code is shown as written.
_NO_MENTIONS = {"a", "code", "pre"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}


def render_body(source: str) -> str:
    """Markdown to sanitised HTML, then @username of existing members linked to their profile."""
    html = render_markdown(source)
    names = {m.group(1).lower() for m in MENTION.finditer(html)}
    if not names:
        return html
    known = {
        key: username for key, username in db.session.execute(
            select(User.username_key, User.username).where(
                User.username_key.in_(names), User.deleted_at.is_(None)
            )
        )
    }
    if not known:
        return html
    linker = _MentionLinker(known)
    linker.feed(html)
    linker.close()
    # The result goes through the same allow-list again, whatever the linker produced.
    return sanitise_html("".join(linker.out))


class _MentionLinker(HTMLParser):
    """Re-emits already-sanitised HTML, linking mentions in text outside links and code."""

    def __init__(self, known: dict[str, str]):
        super().__init__(convert_charrefs=True)
        self.known = known
        self.out: list[str] = []
        self.shielded = 0

    def handle_starttag(self, tag, attrs):
        self.out.append(_tag(tag, attrs))
        if tag in _NO_MENTIONS:
            self.shielded += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(_tag(tag, attrs))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        self.out.append(f"</{tag}>")
        if tag in _NO_MENTIONS and self.shielded:
            self.shielded -= 1

    def handle_data(self, data):
        if self.shielded:
            self.out.append(escape(data, quote=False))
            return
        position = 0
        for match in MENTION.finditer(data):
            username = self.known.get(match.group(1).lower())
            if username is None:
                continue
            self.out.append(escape(data[position:match.start()], quote=False))
            href = "/members/" + quote(username, safe="")
            self.out.append(f'<a href="{escape(href)}">@{escape(username)}</a>')
            position = match.end()
        self.out.append(escape(data[position:], quote=False))


def _tag(tag: str, attrs) -> str:
    rendered = "".join(
        f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs
    )
    return f"<{tag}{rendered}>"


def quote_of(post: Post) -> str:
    """Markdown that quotes a post in a reply: who wrote it, then its text as a blockquote."""
    author = post.author
    who = f"@{author.username}" if author and not author.is_deleted else _("Former member")
    lines = post.body.strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return _("%(who)s wrote:", who=who) + "\n\n" + quoted + "\n\n"


# --- reading ---------------------------------------------------------------------------------

def discussions_in(space, viewer, page: int = 1, per_page: int = PAGE_SIZE):
    """The discussions of a twinning or a network the viewer may see: pinned first, then the
    most recently active."""
    column = Discussion.twinning_id if isinstance(space, Twinning) else Discussion.network_id
    query = (
        select(Discussion)
        .where(column == space.id, visible_to(Discussion, viewer))
        .order_by(Discussion.pinned.desc(), Discussion.last_activity_at.desc(),
                  Discussion.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _in_visible_spaces(query, viewer):
    return (query
            .outerjoin(Twinning, Discussion.twinning_id == Twinning.id)
            .outerjoin(Network, Discussion.network_id == Network.id)
            .where(visible_to(Discussion, viewer),
                   (Discussion.twinning_id.is_(None) | visible_to(Twinning, viewer)),
                   (Discussion.network_id.is_(None) | visible_to(Network, viewer))))


# A twinning's general discussion is created empty with it: it joins the latest once
# someone has answered its invitation, instead of filling the lists with empty threads.
_ANSWERED_OR_OWN = ~(Discussion.is_general & (Discussion.reply_count == 0))


def latest_discussions(limit: int, viewer) -> list[Discussion]:
    """The most recently active discussions, in spaces the viewer may see too."""
    query = _in_visible_spaces(select(Discussion), viewer).where(_ANSWERED_OR_OWN)
    query = query.order_by(Discussion.last_activity_at.desc(), Discussion.id.desc())
    return list(db.session.scalars(query.limit(limit)).unique())


def latest_page(viewer, page: int = 1, *, space=None, unanswered: bool = False,
                per_page: int = PAGE_SIZE):
    """/discussions/: the latest discussions of every space the viewer may see, newest
    activity first; `space` keeps one twinning or network, `unanswered` those without a
    reply yet (where a member can help first)."""
    query = _in_visible_spaces(select(Discussion), viewer).where(_ANSWERED_OR_OWN)
    if space is not None:
        column = Discussion.twinning_id if isinstance(space, Twinning) else Discussion.network_id
        query = query.where(column == space.id)
    if unanswered:
        query = query.where(Discussion.reply_count == 0)
    query = query.order_by(Discussion.last_activity_at.desc(), Discussion.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def space_choices(viewer) -> list[tuple[str, str]]:
    """Every twinning and network the viewer may see, as (space key, title) for a filter."""
    twinnings = db.session.execute(select(Twinning.slug, Twinning.title)
                                   .where(visible_to(Twinning, viewer))
                                   .order_by(Twinning.title)).all()
    networks = db.session.execute(select(Network.slug, Network.name)
                                  .where(visible_to(Network, viewer))
                                  .order_by(Network.name)).all()
    return ([(f"twinning:{slug}", title) for slug, title in twinnings]
            + [(f"network:{slug}", name) for slug, name in networks])


def news_since(member: User, since) -> list[tuple[Twinning, int]]:
    """The member's twinnings, each with how many of its discussions moved since `since`
    (their previous visit), most active first: the home page of a member who returns."""
    moved = select(Discussion.twinning_id, func.count().label("moved")).where(
        Discussion.twinning_id.is_not(None), visible_to(Discussion, member), _ANSWERED_OR_OWN)
    if since is not None:
        moved = moved.where(Discussion.last_activity_at > since)
    moved = moved.group_by(Discussion.twinning_id).subquery()
    count = func.coalesce(moved.c.moved, 0)
    rows = db.session.execute(
        select(Twinning, count)
        .join(TwinningParticipant, TwinningParticipant.twinning_id == Twinning.id)
        .outerjoin(moved, moved.c.twinning_id == Twinning.id)
        .where(TwinningParticipant.user_id == member.id, visible_to(Twinning, member))
        .order_by(count.desc(), Twinning.title)).unique().all()
    return [(twinning, n) for twinning, n in rows]


PROFILE_POSTS = 5


def latest_posts_of(member: User, viewer) -> list[Post]:
    """A member's latest posts the viewer may read, in discussions and spaces they may see."""
    query = (_in_visible_spaces(select(Post).join(Discussion, Post.discussion_id == Discussion.id),
                                viewer)
             .where(Post.author_id == member.id, visible_to(Post, viewer))
             .options(selectinload(Post.discussion))
             .order_by(Post.created_at.desc(), Post.id.desc()).limit(PROFILE_POSTS))
    return list(db.session.scalars(query).unique())


accounts.register_profile_content("posts", latest_posts_of)


def posts_page(discussion: Discussion, page: int, per_page: int = PAGE_SIZE):
    """Every post of the thread, in order (placeholders included, so numbering holds)."""
    query = select(Post).where(Post.discussion_id == discussion.id).order_by(Post.number)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def find_space(kind: str, slug: str):
    model = {"twinning": Twinning, "network": Network}[kind]
    return db.session.scalar(select(model).where(model.slug == slug))


def space_kind(space) -> str:
    return "twinning" if isinstance(space, Twinning) else "network"


def space_key(space) -> str:
    """`twinning:<slug>` or `network:<slug>`, as `/discussions/new?space=` takes it."""
    return f"{space_kind(space)}:{space.slug}"


def attachments_by_post(posts) -> dict[int, list]:
    """The files of a page of posts, in one query."""
    return attachments.attachments_of_many("post", [post.id for post in posts])


def _post_visible(viewer, post: Post) -> bool:
    from forum.discussions.permissions import can_read_post, can_see_discussion

    return can_see_discussion(viewer, post.discussion) and can_read_post(viewer, post)


attachments.register_owner("post", lambda pid: db.session.get(Post, pid), _post_visible,
                           post_location)


# --- export ----------------------------------------------------------------------------------
# Deletion erases nothing here: posts and discussions stay, shown under "Former member".

@accounts.exporter
def export_discussions(user: User) -> tuple[str, list]:
    """The discussions a member started, for the account export."""
    rows = db.session.scalars(
        select(Discussion).where(Discussion.author_id == user.id).order_by(Discussion.id)
    ).unique()
    return "discussions", [
        {"id": d.id, "title": d.title, "created_at": d.created_at.isoformat(),
         "space": space_key(d.space) if d.space else None, "visibility": d.visibility}
        for d in rows
    ]


@accounts.exporter
def export_posts(user: User) -> tuple[str, list]:
    """Every post a member wrote, deleted ones included: they are still held."""
    rows = db.session.scalars(select(Post).where(Post.author_id == user.id).order_by(Post.id))
    return "posts", [
        {"id": p.id, "discussion_id": p.discussion_id, "number": p.number, "body": p.body,
         "created_at": p.created_at.isoformat(),
         "edited_at": p.edited_at.isoformat() if p.edited_at else None,
         "visibility": p.visibility}
        for p in rows.unique()
    ]
