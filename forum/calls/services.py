"""Rules about calls for funding: lists, publishing, follows, reminders and saved searches.

Services flush, never commit, and take the acting user and the clock (`now`) explicitly, so
the reminder rules can be driven by tests and by the `calls remind` command alike.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.attachments import services as attachments
from forum.calls.models import (
    APPLICANTS,
    CLOSED,
    CLOSING,
    CLOSING_SOON,
    LEVELS,
    OPEN,
    ROME,
    UPCOMING,
    Call,
    CallAlert,
    CallFollow,
    CallReminder,
    CallSavedSearch,
    rome_day_start,
)
from forum.calls.permissions import can_publish
from forum.core.db import utcnow
from forum.core.errors import BadFilter, ServiceError
from forum.core.markup import render_markdown
from forum.core.themes import THEMES
from forum.core.urls import site_path, site_url
from forum.core.visibility import HIDDEN, PENDING, PUBLISHED, can_see, visible_to
from forum.core.web import PAGE_SIZE
from forum.extensions import db
from forum.notifications import events
from forum.notifications.follows import register_followed
from forum.notifications.services import queue_mail

# Days before the deadline at which followers are reminded, nearest first.
THRESHOLDS = (1, 7)
REMINDER_WINDOW = timedelta(days=max(THRESHOLDS))
RELATED_LIMIT = 6
FEED_LIMIT = 30
CALENDAR_LIMIT = 500
PLAIN_FIELDS = ("title", "issuer", "level", "programme", "summary", "total_budget",
                "max_grant", "cofunding_rate", "opens_on", "official_url", "is_example")
UNSUBSCRIBE_SALT = "forum.calls.unsubscribe"



# --- lists --------------------------------------------------------------------------------


ALL = "all"
STATUS_FILTERS = (OPEN, CLOSING, UPCOMING, CLOSED, ALL)


@dataclass(frozen=True)
class Filters:
    status: str = OPEN
    level: str | None = None
    theme: str | None = None
    applicant: str | None = None

    def query_args(self) -> dict:
        """The filters as /calls/ query arguments (the default status left out)."""
        args = {"status": self.status if self.status != OPEN else None, "level": self.level,
                "theme": self.theme, "applicant": self.applicant}
        return {key: value for key, value in args.items() if value}

    @property
    def searchable(self) -> bool:
        """Whether there is something to save: at least one filter beyond the status."""
        return bool(self.level or self.theme or self.applicant)


def parse_filters(args) -> Filters:
    """The filters of /calls/ from a query string; a value that names nothing raises."""
    status = args.get("status") or OPEN
    level = args.get("level") or None
    theme = args.get("theme") or None
    applicant = args.get("applicant") or None
    if status not in STATUS_FILTERS:
        raise BadFilter("status")
    if level is not None and level not in LEVELS:
        raise BadFilter("level")
    if theme is not None and theme not in THEMES:
        raise BadFilter("theme")
    if applicant is not None and applicant not in APPLICANTS:
        raise BadFilter("applicant")
    return Filters(status=status, level=level, theme=theme, applicant=applicant)


def _status_condition(status: str, now: datetime):
    today = now.astimezone(ROME).date()
    started = or_(Call.opens_on.is_(None), Call.opens_on <= today)
    if status == CLOSED:
        return Call.deadline <= now
    if status == UPCOMING:
        return and_(Call.deadline > now, Call.opens_on > today)
    if status == CLOSING:
        return and_(Call.deadline > now, started, Call.deadline <= now + CLOSING_SOON)
    if status == OPEN:  # open calls include those closing soon
        return and_(Call.deadline > now, started)
    return None


def calls_query(viewer, filters: Filters, now: datetime):
    query = select(Call).where(visible_to(Call, viewer))
    condition = _status_condition(filters.status, now)
    if condition is not None:
        query = query.where(condition)
    if filters.level:
        query = query.where(Call.level == filters.level)
    if filters.theme:
        query = query.where(Call.has_theme(filters.theme))
    if filters.applicant:
        query = query.where(Call.has_applicant(filters.applicant))
    # Open and future calls by the nearest deadline; past ones by the most recent.
    if filters.status == CLOSED:
        return query.order_by(Call.deadline.desc(), Call.id.desc())
    if filters.status == ALL:
        return query.order_by((Call.deadline <= now).asc(), Call.deadline, Call.id)
    return query.order_by(Call.deadline, Call.id)


def list_calls(viewer, filters: Filters, page: int = 1, *, now: datetime | None = None,
               per_page: int = PAGE_SIZE):
    return db.paginate(calls_query(viewer, filters, now or utcnow()), page=page,
                       per_page=per_page, error_out=False)


def closing_soon(viewer, limit: int = 4, *, now: datetime | None = None) -> list[Call]:
    """For the home page: calls that close within two weeks, nearest first."""
    query = calls_query(viewer, Filters(status=CLOSING), now or utcnow()).limit(limit)
    return list(db.session.scalars(query))


def call_for(call_id: int, viewer) -> Call | None:
    query = select(Call).where(Call.id == call_id).options(joinedload(Call.published_by))
    call = db.session.scalar(query)
    return call if call is not None and can_see(viewer, call) else None


def pending_calls() -> list[Call]:
    query = (select(Call).where(Call.visibility == PENDING).options(joinedload(Call.author))
             .order_by(Call.created_at, Call.id))
    return list(db.session.scalars(query))


def calendar_calls(viewer, *, now: datetime | None = None) -> list[Call]:
    """Open and upcoming calls, for /calls.ics."""
    query = (select(Call).where(visible_to(Call, viewer), Call.deadline > (now or utcnow()))
             .order_by(Call.deadline, Call.id).limit(CALENDAR_LIMIT))
    return list(db.session.scalars(query))


def newly_published(viewer, limit: int = FEED_LIMIT) -> list[Call]:
    """The latest calls made public, for the Atom feed."""
    query = (select(Call).where(visible_to(Call, viewer), Call.visibility == PUBLISHED,
                                Call.published_at.is_not(None))
             .order_by(Call.published_at.desc(), Call.id.desc()).limit(limit))
    return list(db.session.scalars(query))


# --- what a call could fund ---------------------------------------------------------------


@dataclass(frozen=True)
class Fundable:
    title: str
    url: str
    summary: str | None = None
    is_example: bool = False


@dataclass(frozen=True)
class FundableGroup:
    label: object
    items: list[Fundable]


# Each kind of content that shares the themes vocabulary adds a function
# (call, viewer, limit) -> FundableGroup; the call page shows every group with no change.
# Practices and twinnings are registered below; a later kind (projects, networks…) adds
# one function with `@calls.services.fundable`.
FUNDABLE: list[Callable[[Call, object, int], FundableGroup]] = []


def fundable(fn):
    FUNDABLE.append(fn)
    return fn


def fundable_by(call: Call, viewer, limit: int = RELATED_LIMIT) -> list[FundableGroup]:
    """The content sharing a theme with the call, one group per kind, empty groups left out."""
    if not call.theme_codes:
        return []
    groups = [fn(call, viewer, limit) for fn in FUNDABLE]
    return [group for group in groups if group.items]


@fundable
def _practices(call: Call, viewer, limit: int) -> FundableGroup:
    """Offers, requests and stories on the call's themes, still open, newest first."""
    from flask_babel import lazy_gettext as _l

    from forum.practices.models import CLOSED as PRACTICE_CLOSED
    from forum.practices.models import Practice

    query = (select(Practice)
             .where(visible_to(Practice, viewer), Practice.status != PRACTICE_CLOSED,
                    or_(*[Practice.has_theme(code) for code in call.theme_codes]))
             .order_by(Practice.created_at.desc(), Practice.id.desc()).limit(limit))
    items = [Fundable(p.title, url_for("practices.show", practice_id=p.id),
                      f"{p.kind_label}: {p.summary}" if p.summary else str(p.kind_label),
                      p.is_example)
             for p in db.session.scalars(query)]
    return FundableGroup(_l("Good practices"), items)


@fundable
def _twinnings(call: Call, viewer, limit: int) -> FundableGroup:
    from flask_babel import lazy_gettext as _l

    from forum.twinnings.models import Twinning

    query = (select(Twinning)
             .where(visible_to(Twinning, viewer),
                    or_(*[Twinning.has_theme(code) for code in call.theme_codes]))
             .order_by(Twinning.created_at.desc(), Twinning.id.desc()).limit(limit))
    items = [Fundable(t.title, url_for("twinnings.show", slug=t.slug), t.summary, t.is_example)
             for t in db.session.scalars(query)]
    return FundableGroup(_l("Twinnings"), items)


# --- publishing ---------------------------------------------------------------------------


def deadline_from_rome(value: datetime) -> datetime:
    """A wall-clock time typed in Italy, as a UTC instant.

    A time that does not exist (the hour skipped when summer time starts) is refused. A time
    that happens twice (the hour repeated in October) is the first of the two, the earlier
    instant, so nobody is told they have longer than they do.
    """
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    instant = value.replace(tzinfo=ROME, fold=0).astimezone(UTC)
    if instant.astimezone(ROME).replace(tzinfo=None) != value:
        raise ServiceError(_(
            "This time does not exist in Italy: the clocks go forward that night. "
            "Choose another time."), field="deadline")
    return instant


def deadline_in_rome(call: Call) -> datetime:
    """For filling the edit form: the naive Italian wall-clock time."""
    return call.deadline.astimezone(ROME).replace(tzinfo=None)


def _set_call(call: Call, data: dict) -> None:
    for name in PLAIN_FIELDS:
        if name in data:
            value = data[name]
            setattr(call, name, None if value == "" else value)
    if "body" in data:
        call.body = data["body"] or ""
        call.body_html = render_markdown(call.body)
    if "themes" in data:
        call.theme_codes = data["themes"] or []
    if "applicants" in data:
        call.applicant_codes = data["applicants"] or []
    if call.level not in LEVELS:
        raise ServiceError(_("Choose one of the values in the list."), field="level")
    for name in ("total_budget", "max_grant", "cofunding_rate"):
        value = getattr(call, name)
        if value is not None and value < 0:
            raise ServiceError(_("An amount cannot be negative."), field=name)
    call.deadline = deadline_from_rome(data["deadline"])
    if call.opens_on is not None and call.deadline < rome_day_start(call.opens_on):
        raise ServiceError(_("The deadline cannot come before the opening date."), field="deadline")


def create_call(author, data: dict, files=(), *, now: datetime | None = None) -> Call:
    """Staff publish at once (and saved searches are alerted); a member's call waits."""
    now = now or utcnow()
    checked = attachments.check_files(files)
    call = Call(author_id=getattr(author, "id", None), created_at=now, updated_at=now,
                visibility=PENDING)
    _set_call(call, data)
    if not can_publish(author):
        call.is_example = False
    db.session.add(call)
    db.session.flush()
    attachments.store(author, "call", call.id, checked)
    if can_publish(author):
        _publish(author, call, now)
    return call


def update_call(actor, call: Call, data: dict, files=(), *, now: datetime | None = None) -> Call:
    checked = attachments.check_files(files)
    _set_call(call, data)
    call.updated_at = now or utcnow()
    db.session.flush()
    attachments.store(actor, "call", call.id, checked)
    return call


def approve_call(actor, call: Call, *, now: datetime | None = None) -> bool:
    """Publish a member's proposal; False if it was not waiting for approval."""
    if call.visibility != PENDING:
        return False
    _publish(actor, call, now or utcnow())
    return True


def reject_call(actor, call: Call, reason: str | None = None) -> bool:
    """Keep a proposal out of the site; its author still sees it, with the reason."""
    if call.visibility != PENDING:
        return False
    call.visibility = HIDDEN
    call.visibility_reason = reason or None
    db.session.flush()
    return True


def _publish(actor, call: Call, now: datetime) -> None:
    call.visibility = PUBLISHED
    call.published_by_id = actor.id
    call.published_at = now
    call.updated_at = now
    db.session.flush()
    alert_saved_searches(call, now=now)


# --- follows ------------------------------------------------------------------------------


def follow_of(user, call: Call) -> CallFollow | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(CallFollow).where(CallFollow.user_id == user.id,
                                                      CallFollow.call_id == call.id))


def follow(user, call: Call, *, now: datetime | None = None) -> bool:
    """Start following; False if already following."""
    if follow_of(user, call) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(CallFollow(user_id=user.id, call_id=call.id,
                                      created_at=now or utcnow()))
    except IntegrityError:  # a second click that raced the first
        return False
    return True


def unfollow(user, call: Call) -> bool:
    row = follow_of(user, call)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def followed_calls(user) -> list[Call]:
    """The calls a member follows, the nearest deadline first and closed ones last."""
    now = utcnow()
    query = (select(Call).join(CallFollow, CallFollow.call_id == Call.id)
             .where(CallFollow.user_id == user.id, visible_to(Call, user))
             .order_by((Call.deadline <= now).asc(), Call.deadline, Call.id))
    return list(db.session.scalars(query))


# --- saved searches -----------------------------------------------------------------------


def save_search(user, filters: Filters, *, now: datetime | None = None) -> CallSavedSearch | None:
    """Keep the level, theme and applicant filters; None if nothing to save or already kept."""
    if not filters.searchable:
        return None
    values = {"level": filters.level or "", "theme": filters.theme or "",
              "applicant": filters.applicant or ""}
    existing = db.session.scalar(select(CallSavedSearch).filter_by(user_id=user.id, **values))
    if existing is not None:
        return None
    try:
        with db.session.begin_nested():
            search = CallSavedSearch(user_id=user.id, created_at=now or utcnow(), **values)
            db.session.add(search)
    except IntegrityError:
        return None
    return search


def saved_search_for(user, filters: Filters) -> CallSavedSearch | None:
    if not getattr(user, "is_authenticated", False) or not filters.searchable:
        return None
    return db.session.scalar(select(CallSavedSearch).filter_by(
        user_id=user.id, level=filters.level or "", theme=filters.theme or "",
        applicant=filters.applicant or ""))


def saved_searches_of(user) -> list[CallSavedSearch]:
    query = (select(CallSavedSearch).where(CallSavedSearch.user_id == user.id)
             .order_by(CallSavedSearch.created_at, CallSavedSearch.id))
    return list(db.session.scalars(query))


def delete_search(user, search_id: int) -> bool:
    search = db.session.get(CallSavedSearch, search_id)
    if search is None or search.user_id != user.id:
        return False
    db.session.delete(search)
    db.session.flush()
    return True


def search_filters(search: CallSavedSearch) -> Filters:
    return Filters(level=search.level or None, theme=search.theme or None,
                   applicant=search.applicant or None)


def describe_search(search: CallSavedSearch) -> str:
    """'European Union · Open data · Municipalities', in the active language."""
    parts = [str(LEVELS[search.level]) if search.level in LEVELS else None,
             str(THEMES[search.theme]) if search.theme in THEMES else None,
             str(APPLICANTS[search.applicant]) if search.applicant in APPLICANTS else None]
    return " · ".join(part for part in parts if part)


def alert_saved_searches(call: Call, *, now: datetime | None = None) -> int:
    """E-mail the members whose saved searches match a newly published call, once per call."""
    now = now or utcnow()
    if call.visibility != PUBLISHED or call.status(now) == CLOSED:
        return 0
    query = (select(CallSavedSearch, User)
             .join(User, User.id == CallSavedSearch.user_id)
             .where(User.deleted_at.is_(None), User.email.is_not(None),
                    CallSavedSearch.level.in_(["", call.level]),
                    CallSavedSearch.theme.in_(["", *call.theme_codes]),
                    CallSavedSearch.applicant.in_(["", *call.applicant_codes]))
             .order_by(CallSavedSearch.user_id, CallSavedSearch.id))
    already = set(db.session.scalars(select(CallAlert.user_id)
                                     .where(CallAlert.call_id == call.id)))
    sent = 0
    for search, user in db.session.execute(query):
        if user.id in already or user.id == call.author_id:
            continue
        already.add(user.id)
        if _record(CallAlert(user_id=user.id, call_id=call.id, sent_at=now)):
            _mail_alert(user, call, search)
            sent += 1
    return sent


# --- reminders ----------------------------------------------------------------------------


def due_threshold(deadline: datetime, now: datetime) -> int | None:
    """The reminder a follower should have by now: the nearest threshold already reached.

    Between 7 days and 1 day before the deadline it is the 7-day reminder, in the last day
    the 1-day one. A member who follows with 3 days left still gets the 7-day reminder (the
    call is in that stretch); one who follows, or is first reached, with hours left gets
    only the 1-day one: an earlier threshold is never sent once a later one is due.
    """
    left = deadline - now
    if left <= timedelta(0):
        return None
    for days in THRESHOLDS:
        if left <= timedelta(days=days):
            return days
    return None


@dataclass
class ReminderRun:
    sent: int = 0
    already: int = 0


def send_reminders(*, now: datetime | None = None) -> ReminderRun:
    """Remind followers of calls closing within 7 days, each reminder at most once."""
    now = now or utcnow()
    query = (select(CallFollow, Call, User)
             .join(Call, Call.id == CallFollow.call_id)
             .join(User, User.id == CallFollow.user_id)
             .where(Call.visibility == PUBLISHED, Call.deadline > now,
                    Call.deadline <= now + REMINDER_WINDOW,
                    User.deleted_at.is_(None), User.email.is_not(None))
             .order_by(Call.deadline, Call.id, User.id))
    rows = list(db.session.execute(query))
    done = _sent_reminders({(row.Call.id, row.User.id) for row in rows})
    run = ReminderRun()
    for follow_row, call, user in rows:
        threshold = due_threshold(call.deadline, now)
        if threshold is None:
            continue
        if (user.id, call.id, threshold, call.deadline) in done:
            run.already += 1
            continue
        reminder = CallReminder(user_id=user.id, call_id=call.id, threshold_days=threshold,
                                deadline=call.deadline, sent_at=now)
        if _record(reminder):
            _mail_reminder(user, call, follow_row, threshold, now)
            run.sent += 1
        else:
            run.already += 1
    return run


def _sent_reminders(pairs: set[tuple[int, int]]) -> set[tuple]:
    if not pairs:
        return set()
    call_ids = {call_id for call_id, _user in pairs}
    query = select(CallReminder).where(CallReminder.call_id.in_(call_ids))
    return {(r.user_id, r.call_id, r.threshold_days, r.deadline)
            for r in db.session.scalars(query)}


def _record(row) -> bool:
    """Insert a once-only row; False if another run inserted it first."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


# --- mail ---------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(row) -> str:
    """A link token naming one follow or one saved search; it dies with that row."""
    if isinstance(row, CallFollow):
        return _serializer().dumps({"follow": row.id, "user": row.user_id})
    return _serializer().dumps({"search": row.id, "user": row.user_id})


def subscription_for(token: str):
    """The follow or saved search a token names, if it still exists; else None."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    if isinstance(data.get("follow"), int):
        row = db.session.get(CallFollow, data["follow"])
    elif isinstance(data.get("search"), int):
        row = db.session.get(CallSavedSearch, data["search"])
    else:
        return None
    return row if row is not None and row.user_id == data["user"] else None


def unsubscribe(token: str) -> bool:
    """Stop what the token names (one follow or one saved search); False if already gone."""
    row = subscription_for(token)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def _language(user: User) -> str:
    languages = current_app.config["FORUM_LANGUAGES"]
    if user.preferred_language in languages:
        return user.preferred_language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _absolute(endpoint: str, **values) -> str:
    return site_url(endpoint, **values)


def _mail_reminder(user: User, call: Call, follow_row: CallFollow, threshold: int,
                   now: datetime) -> None:
    with force_locale(_language(user)):
        subject = (_("Tomorrow is the deadline of %(title)s", title=call.title) if threshold == 1
                   else _("One week or less to the deadline of %(title)s", title=call.title))
        body = render_template("calls/mail/reminder.txt", user=user, call=call, now=now,
                               threshold=threshold,
                               link=_absolute("calls.show", call_id=call.id),
                               unsubscribe=_absolute("calls.unsubscribe",
                                                     token=unsubscribe_token(follow_row)))
        queue_mail(user.email, subject[:200], body)
    events.emit("call.reminder", None, call, member=user)


def _mail_alert(user: User, call: Call, search: CallSavedSearch) -> None:
    with force_locale(_language(user)):
        subject = _("New call for funding: %(title)s", title=call.title)
        body = render_template("calls/mail/alert.txt", user=user, call=call,
                               search=describe_search(search),
                               link=_absolute("calls.show", call_id=call.id),
                               unsubscribe=_absolute("calls.unsubscribe",
                                                     token=unsubscribe_token(search)))
        queue_mail(user.email, subject[:200], body)
    events.emit("call.alert", None, call, member=user)


# --- export and erasure -------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


@accounts.exporter
def export_calls(user) -> tuple[str, dict]:
    """The calls a member follows or proposed, their saved searches and what was sent."""
    follows = db.session.execute(
        select(CallFollow, Call).join(Call, Call.id == CallFollow.call_id)
        .where(CallFollow.user_id == user.id).order_by(CallFollow.created_at))
    proposed = db.session.scalars(select(Call).where(Call.author_id == user.id)
                                  .order_by(Call.created_at))
    reminders = db.session.scalars(select(CallReminder).where(CallReminder.user_id == user.id)
                                   .order_by(CallReminder.sent_at))
    return "calls", {
        "followed": [{"call_id": c.id, "title": c.title, "since": _iso(f.created_at)}
                     for f, c in follows],
        "proposed": [{"call_id": c.id, "title": c.title, "state": c.visibility,
                      "created_at": _iso(c.created_at)} for c in proposed],
        "saved_searches": [{"level": s.level or None, "theme": s.theme or None,
                            "applicant": s.applicant or None, "created_at": _iso(s.created_at)}
                           for s in saved_searches_of(user)],
        "reminders_sent": [{"call_id": r.call_id, "days_before": r.threshold_days,
                            "deadline": _iso(r.deadline), "sent_at": _iso(r.sent_at)}
                           for r in reminders],
    }


@accounts.eraser
def erase_calls(user) -> None:
    """A deleted member follows nothing and keeps no saved searches; proposed calls stay."""
    for model in (CallFollow, CallSavedSearch, CallReminder, CallAlert):
        for row in db.session.scalars(select(model).where(model.user_id == user.id)):
            db.session.delete(row)
    db.session.flush()


# --- attachment owners --------------------------------------------------------------------


attachments.register_owner("call", lambda call_id: db.session.get(Call, call_id), can_see,
                           lambda call: url_for("calls.show", call_id=call.id))


# Notifications about a call (reminders, alerts) and the "Following" page's list of calls.
events.register_subject(Call, events.Subject(
    "call", lambda c: c.title, lambda c: site_path("calls.show", call_id=c.id), can_see,
    lambda c: c.visibility == PUBLISHED))
register_followed("calls", followed_calls)
