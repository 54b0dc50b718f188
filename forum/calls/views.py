"""Call pages, follows, saved searches, unsubscribe links, calendars, the feed and staff forms."""
from datetime import timedelta

from babel.dates import format_timedelta
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user, login_required
from flask_wtf import FlaskForm

from forum.attachments import services as attachments
from forum.attachments.web import accept_uploads
from forum.calls import feeds, services
from forum.calls.forms import CallForm
from forum.calls.models import (
    APPLICANTS,
    CLOSED,
    LEVELS,
    ROME,
    STATUSES,
    UPCOMING,
    Call,
    CallFollow,
)
from forum.calls.permissions import (
    can_approve,
    can_edit,
    can_follow,
    can_propose,
    can_publish,
    can_save_search,
)
from forum.core import atom, web
from forum.core.db import utcnow
from forum.core.errors import BadFilter
from forum.core.forms import initial_data
from forum.core.i18n import current_language, format_day
from forum.core.themes import THEMES
from forum.core.urls import site_url
from forum.extensions import db, login_manager

bp = Blueprint("calls", __name__)
accept_uploads(bp, {"calls.create", "calls.edit"})


def _filters() -> services.Filters:
    try:
        return services.parse_filters(request.args)
    except BadFilter:
        abort(400)


def _visible_call(call_id: int) -> Call:
    return services.call_for(call_id, current_user) or abort(404)


# --- pages --------------------------------------------------------------------------------


@bp.get("/calls/")
def index():
    filters = _filters()
    return render_template(
        "calls/index.html", filters=filters, now=utcnow(),
        calls=web.within_pages(services.list_calls(current_user, filters, web.page_arg())),
        saved=services.saved_search_for(current_user, filters), button=FlaskForm())


@bp.get("/calls/<int:call_id>")
def show(call_id: int):
    call = _visible_call(call_id)
    return render_template(
        "calls/show.html", call=call, now=utcnow(), button=FlaskForm(),
        following=services.follow_of(current_user, call) is not None,
        files=attachments.attachments_of("call", call.id),
        fundable=services.fundable_by(call, current_user))


@bp.get("/account/calls")
@login_required
def followed():
    return render_template("calls/followed.html", calls=services.followed_calls(current_user),
                           searches=services.saved_searches_of(current_user), now=utcnow(),
                           button=FlaskForm())


@bp.get("/calls/pending")
@login_required
def pending():
    if not can_publish(current_user):
        abort(403)
    return render_template("calls/pending.html", calls=services.pending_calls(), now=utcnow(),
                           button=FlaskForm())


# --- following and saved searches ---------------------------------------------------------


def _member_post():
    """Sign-in for visitors; 403 for members who may not write."""
    # The CSRF token is checked for every POST by CSRFProtect, before the view runs.
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.post("/calls/<int:call_id>/follow")
def follow(call_id: int):
    if (answer := _member_post()) is not None:
        return answer
    call = _visible_call(call_id)
    if not can_follow(current_user, call):
        abort(403)
    changed = services.follow(current_user, call)
    db.session.commit()
    flash(_("You follow this call: we will remind you 7 days and 1 day before the deadline.")
          if changed else _("You already follow this call."), "success" if changed else "info")
    return redirect(url_for(".show", call_id=call.id))


@bp.post("/calls/<int:call_id>/unfollow")
def unfollow(call_id: int):
    if (answer := _member_post()) is not None:
        return answer
    call = _visible_call(call_id)
    changed = services.unfollow(current_user, call)
    db.session.commit()
    flash(_("You no longer follow this call.") if changed
          else _("You were not following this call."), "success" if changed else "info")
    return redirect(request.form.get("back") == "account" and url_for(".followed")
                    or url_for(".show", call_id=call.id))


@bp.post("/calls/searches")
def save_search():
    if (answer := _member_post()) is not None:
        return answer
    if not can_save_search(current_user):
        abort(403)
    filters = _filters()
    if not filters.searchable:
        abort(400)
    saved = services.save_search(current_user, filters)
    db.session.commit()
    flash(_("Search saved: we will e-mail you when a new call matching it is published.")
          if saved else _("You had already saved this search."), "success" if saved else "info")
    return redirect(url_for(".index", **filters.query_args()))


@bp.post("/calls/searches/<int:search_id>/delete")
def delete_search(search_id: int):
    if (answer := _member_post()) is not None:
        return answer
    if not services.delete_search(current_user, search_id):
        abort(404)
    db.session.commit()
    flash(_("The saved search was deleted; you will get no more alerts for it."), "success")
    return redirect(url_for(".followed"))


@bp.route("/calls/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """From a reminder or alert e-mail, without signing in: one button stops that mail."""
    row = services.subscription_for(token)
    # Read before the row goes: the page names what was stopped.
    names = {"row": row, "call": _subscription_call(row), "search": _subscription_search(row)}
    form = FlaskForm()
    if row is not None and form.validate_on_submit():
        services.unsubscribe(token)
        db.session.commit()
        return render_template("calls/unsubscribe.html", done=True, **names)
    status = 200 if row is not None else 410
    return render_template("calls/unsubscribe.html", done=False, form=form, **names), status


def _subscription_call(row):
    return row.call if isinstance(row, CallFollow) else None


def _subscription_search(row):
    return services.describe_search(row) if row is not None and not isinstance(
        row, CallFollow) else None


# --- calendars and feed -------------------------------------------------------------------


def _ics(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/calls.ics")
def calendar():
    calls = services.calendar_calls(current_user)
    entries = [(call, site_url(".show", call_id=call.id)) for call in calls]
    from forum.calls import ical  # icalendar (3 MB) loaded by the workers that serve a feed

    return _ics(ical.calendar(entries, _("Gemellaggi: deadlines of calls for funding")),
                "calls.ics")


@bp.get("/calls/<int:call_id>.ics")
def call_calendar(call_id: int):
    call = _visible_call(call_id)
    entry = (call, site_url(".show", call_id=call.id))
    from forum.calls import ical

    return _ics(ical.calendar([entry], call.title), f"call-{call.id}.ics")


@bp.get("/feeds/calls.atom")
def feed():
    # As a visitor sees them whoever asks: a feed is public, and readers share it.
    calls = services.newly_published(AnonymousUserMixin())
    entries = [(call, site_url(".show", call_id=call.id), _feed_line(call))
               for call in calls]
    language, self_url, translations = atom.in_languages("calls.feed")
    return atom.response(feeds.feed_of(
        title=_("Gemellaggi: new calls for funding"), self_url=self_url,
        page_url=site_url(".index"), language=language, translations=translations,
        entries=entries, fallback_updated=atom.EMPTY_FEED_UPDATED))


def _feed_line(call: Call) -> str:
    # No "closes in 5 days" here: feed readers keep entries long after they are fetched.
    deadline = _("Deadline: %(time)s, Italian time.", time=rome_time(call.deadline))
    return f"{call.summary} {deadline}" if call.summary else deadline


# --- publishing ---------------------------------------------------------------------------


@bp.route("/calls/new", methods=["GET", "POST"])
def create():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not can_propose(current_user):
        abort(403)
    form = CallForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.create_call(current_user, form.data, form.attachments.data),
            lambda call: _("The call was published.") if call.is_published else
            _("Thank you: the call will appear once staff have checked it."),
            lambda call: url_for(".show", call_id=call.id))
        if done:
            return done
    heading = _("Publish a call") if can_publish(current_user) else _("Propose a call")
    return render_template("calls/form.html", form=form, call=None, files=[], heading=heading)


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
def edit(call_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    call = _visible_call(call_id)
    if not can_edit(current_user, call):
        abort(403)
    form = CallForm(data=initial_data(CallForm, call, themes=call.theme_codes,
                                      applicants=call.applicant_codes,
                                      deadline=services.deadline_in_rome(call)))
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.update_call(current_user, call, form.data,
                                               form.attachments.data),
            _("The call was saved."),
            lambda _saved: url_for(".show", call_id=call.id))
        if done:
            return done
    return render_template("calls/form.html", form=form, call=call,
                           heading=_("Edit %(name)s", name=call.title),
                           files=attachments.attachments_of("call", call.id))


def _review(call_id: int, change, done: str):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    call = _visible_call(call_id)
    if not can_approve(current_user, call):
        abort(403)
    change(current_user, call)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".pending"))


@bp.post("/calls/<int:call_id>/approve")
def approve(call_id: int):
    return _review(call_id, services.approve_call, _("The call was approved and published."))


@bp.post("/calls/<int:call_id>/reject")
def reject(call_id: int):
    return _review(call_id, services.reject_call,
                   _("The proposal was turned down; only its author and staff can see it."))


# --- template helpers ---------------------------------------------------------------------


def time_left(call: Call, now=None) -> str:
    """'closes in 5 days', 'closed on 3 March 2026', 'opens on 1 May 2026' in the active
    language; days are counted as calendar days in Italy."""
    now = now or utcnow()
    status = call.status(now)
    if status == CLOSED:
        return _("closed on %(date)s", date=format_day(call.deadline))
    if status == UPCOMING:
        return _("opens on %(date)s", date=format_day(call.opens_on))
    days = (call.deadline.astimezone(ROME).date() - now.astimezone(ROME).date()).days
    if days >= 1:
        # A threshold equal to the count keeps the unit at days ("10 days", not "1 week").
        when = format_timedelta(timedelta(days=days), threshold=days, add_direction=True,
                                locale=current_language())
    else:
        when = format_timedelta(call.deadline - now, add_direction=True,
                                locale=current_language())
    return _("closes %(when)s", when=when)


def rome_time(value) -> str:
    """A deadline as Italians read it: '29 March 2026, 12:00' in Europe/Rome."""
    return format_datetime(value, "d MMMM y, HH:mm") if value else ""


@bp.record_once
def _template_helpers(state):
    # Globals rather than a context processor: imported macros (call_row on the home page)
    # see globals but not the context.
    state.app.jinja_env.globals.update(
        call_statuses=STATUSES, call_levels=LEVELS, call_applicants=APPLICANTS,
        call_themes=THEMES, call_time_left=time_left,
        rome_time=rome_time, describe_call_search=services.describe_search,
        call_search_args=lambda search: services.search_filters(search).query_args())
