"""Twinning pages, joining and leaving, and the staff forms for twinnings and events."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from forum.attachments import services as attachments
from forum.attachments.web import accept_uploads
from forum.core import web
from forum.core.db import utcnow
from forum.core.errors import BadFilter, ServiceError
from forum.core.forms import initial_data
from forum.extensions import db, login_manager
from forum.places import services as places
from forum.places.models import Network
from forum.places.permissions import curators_only
from forum.twinnings import services
from forum.twinnings.forms import EventForm, TwinningForm
from forum.twinnings.models import CITY_ROLES, STATUSES, Event
from forum.twinnings.permissions import can_attend, can_confirm_attendance, can_join

bp = Blueprint("twinnings", __name__)
accept_uploads(bp, {"twinnings.create", "twinnings.edit"})


# --- pages --------------------------------------------------------------------------------


@bp.get("/twinnings/")
def index():
    chosen = {key: request.args.get(key) or None for key in ("city", "network", "status")}
    try:
        filters = services.resolve_filters(**chosen)
    except BadFilter:
        abort(400)
    return render_template("twinnings/index.html", chosen=chosen, statuses=STATUSES,
                           twinnings=web.within_pages(services.list_twinnings(
                               current_user, web.page_arg(), **filters)),
                           **places.filter_options(current_user))


@bp.get("/twinnings/<slug>")
def show(slug: str):
    twinning = services.twinning_by_slug(slug, current_user) or abort(404)
    return render_template(
        "twinnings/show.html", twinning=twinning, now=utcnow(),
        participants=services.latest_participants(twinning),
        joined=services.is_participant(current_user, twinning),
        may_join=can_join(current_user, twinning),
        events=services.events_of(twinning),
        attendance=services.attendance_summary(twinning, current_user),
        files=attachments.attachments_of("twinning", twinning.id),
        discussion_page=services.discussions_of(twinning, current_user, web.page_arg()),
        button=FlaskForm(),
    )


def _membership(slug: str, change, done: str, unchanged: str):
    return web.membership(lambda user: services.twinning_by_slug(slug, user), can_join,
                          change, (done, unchanged), ".show")


@bp.post("/twinnings/<slug>/join")
def join(slug: str):
    return _membership(slug, services.join, _("You joined the twinning."),
                       _("You are already taking part in this twinning."))


@bp.post("/twinnings/<slug>/leave")
def leave(slug: str):
    return _membership(slug, services.leave, _("You left the twinning."),
                       _("You were not taking part in this twinning."))


# --- curation -----------------------------------------------------------------------------


def _twinning_form(**kwargs) -> TwinningForm:
    form = TwinningForm(**kwargs)
    city_choices = [(0, _("— choose a city —")), *places.city_choices()]
    for row in form.cities:
        row.city.choices = city_choices
    form.network.choices = [(0, _("— no network —")), *places.network_choices(current_user)]
    return form


def _twinning_data(form) -> dict:
    return {**form.data, "network": form.network.data or None}


@bp.route("/twinnings/new", methods=["GET", "POST"])
@curators_only
def create():
    form = _twinning_form()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.create_twinning(current_user, _twinning_data(form),
                                                   form.attachments.data),
            _("The twinning was created, with its general discussion."),
            lambda twinning: url_for(".show", slug=twinning.slug))
        if done:
            return done
    return render_template("twinnings/form.html", form=form, twinning=None, files=[])


@bp.route("/twinnings/<slug>/edit", methods=["GET", "POST"])
@curators_only
def edit(slug: str):
    twinning = services.twinning_by_slug(slug, current_user) or abort(404)
    rows = [{"city": link.city_id, "role": link.role} for link in twinning.cities]
    rows += [{"city": 0, "role": "beneficiary"}] * max(0, 5 - len(rows))
    form = _twinning_form(data=initial_data(TwinningForm, twinning, cities=rows,
                                            themes=twinning.theme_codes,
                                            network=twinning.network_id or 0))
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.update_twinning(current_user, twinning, _twinning_data(form),
                                                   form.attachments.data),
            _("The twinning was saved."),
            lambda _saved: url_for(".show", slug=twinning.slug))
        if done:
            return done
    return render_template("twinnings/form.html", form=form, twinning=twinning,
                           files=attachments.attachments_of("twinning", twinning.id))


def _space_url(space) -> str:
    if isinstance(space, Network):
        return url_for("places.network", slug=space.slug)
    return url_for(".show", slug=space.slug)


def _event_form_page(form, space, event=None):
    return render_template("twinnings/event_form.html", form=form, event=event,
                           space_name=getattr(space, "title", None) or space.name,
                           space_url=_space_url(space))


def _create_event(space):
    form = EventForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.create_event(current_user, space, form.data),
            _("The event was added."),
            lambda _saved: _space_url(space))
        if done:
            return done
    return _event_form_page(form, space)


@bp.route("/twinnings/<slug>/events/new", methods=["GET", "POST"])
@curators_only
def new_event(slug: str):
    return _create_event(services.twinning_by_slug(slug, current_user) or abort(404))


@bp.route("/networks/<slug>/events/new", methods=["GET", "POST"])
@curators_only
def new_network_event(slug: str):
    return _create_event(places.network_by_slug(slug, current_user) or abort(404))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@curators_only
def edit_event(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    space = services.event_space(event, current_user) or abort(404)
    form = EventForm(data=initial_data(EventForm, event,
                                       starts_at=services.utc_to_rome(event.starts_at),
                                       ends_at=services.utc_to_rome(event.ends_at)))
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.update_event(current_user, event, form.data),
            _("The event was saved."),
            lambda _saved: _space_url(space))
        if done:
            return done
    return _event_form_page(form, space, event)


@bp.post("/events/<int:event_id>/delete")
@curators_only
def delete_event(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    space = services.event_space(event, current_user) or abort(404)
    services.delete_event(current_user, event)
    db.session.commit()
    flash(_("The event was deleted."), "success")
    return redirect(_space_url(space))


# --- attendance ---------------------------------------------------------------------------


def _event_and_space(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    return event, services.event_space(event, current_user) or abort(404)


def _back_to_event(space, event) -> str:
    return f"{_space_url(space)}#event-{event.id}"


def _attendance_change(event_id: int, change, done: str, unchanged: str):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    event, space = _event_and_space(event_id)
    if not can_attend(current_user, space):
        abort(403)
    try:
        changed = change(current_user, event)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(_back_to_event(space, event))
    db.session.commit()
    flash(done if changed else unchanged, "success" if changed else "info")
    return redirect(_back_to_event(space, event))


@bp.post("/events/<int:event_id>/attend")
def attend(event_id: int):
    return _attendance_change(
        event_id, services.attend,
        _("You said you attend. The organiser confirms who was there."),
        _("You had already said you attend this event."))


@bp.post("/events/<int:event_id>/withdraw")
def withdraw(event_id: int):
    return _attendance_change(event_id, services.withdraw, _("You no longer attend the event."),
                              _("You had not said you attend this event."))


@bp.get("/events/<int:event_id>/attendance")
def attendance(event_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    event, space = _event_and_space(event_id)
    if not can_confirm_attendance(current_user, event):
        abort(403)
    return render_template("twinnings/attendance.html", event=event, space_url=_space_url(space),
                           space_name=getattr(space, "title", None) or space.name,
                           attendances=services.attendances_of(event), now=utcnow())


@bp.post("/events/<int:event_id>/attendance/<int:attendance_id>")
def confirm_attendance(event_id: int, attendance_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    event, _space = _event_and_space(event_id)
    row = services.attendance_by_id(event, attendance_id) or abort(404)
    if not can_confirm_attendance(current_user, event, row):
        abort(403)
    state = request.form.get("state")
    if state not in ("on", "off"):
        abort(400)
    try:
        services.confirm_attendance(current_user, row, state == "on")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("Attendance confirmed.") if state == "on"
              else _("The confirmation was taken back."), "success")
    return redirect(url_for(".attendance", event_id=event.id))


@bp.app_context_processor
def _template_helpers():
    return {"twinning_statuses": STATUSES, "city_roles": CITY_ROLES}
