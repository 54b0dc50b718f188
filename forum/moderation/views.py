"""Reporting, and the staff pages: the queue, one item with its actions, the audit log."""
from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.accounts.models import User
from forum.core import bounds, web
from forum.core.visibility import STATES
from forum.discussions.models import Discussion
from forum.extensions import db
from forum.moderation import forms, permissions, registry, services
from forum.moderation.models import ACTIONS, REASONS

bp = Blueprint("moderation", __name__)

def _load(kind_name: str, item_id: int):
    kind = registry.get(kind_name)
    item = kind.load(item_id) if kind is not None else None
    if item is None:
        abort(404)
    return kind, item


def _require_staff() -> None:
    if not permissions.can_moderate(current_user):
        abort(403)


# --- reporting -------------------------------------------------------------------------------

@bp.route("/report/<kind_name>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(kind_name: str, item_id: int):
    kind, item = _load(kind_name, item_id)
    if not kind.can_see(current_user, item):
        abort(404)
    if not permissions.can_report(current_user, kind.author(item)):
        abort(403)
    form = forms.ReportForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.report(current_user, kind_name, item, form.reason.data,
                                          form.note.data),
            _("Thank you: staff will look at your report."),
            lambda _saved: kind.url(item))
        if done:
            return done
    already = services.open_report(current_user, kind_name, item.id) is not None
    return render_template("moderation/report.html", form=form, kind=kind, item=item,
                           already=already)


# --- the queue and one item ------------------------------------------------------------------

@bp.get("/mod/")
@login_required
def queue():
    _require_staff()
    page = web.within_pages(services.queue(web.page_arg()))
    return render_template("moderation/queue.html", page=page,
                           waiting=services.awaiting_review(), button=forms.OptionalReasonForm())


@bp.get("/mod/<kind_name>/<int:item_id>")
@login_required
def item(kind_name: str, item_id: int):
    _require_staff()
    _kind, obj = _load(kind_name, item_id)
    return _item_page(kind_name, obj)


# Each action's form, with its name as prefix: the item page shows them all at once.
ACTION_FORMS = {
    "dismiss": forms.OptionalReasonForm, "hide": forms.ReasonForm,
    "restore": forms.OptionalReasonForm, "purge": forms.ReasonForm,
    "lock": forms.StateForm, "pin": forms.StateForm, "move": forms.MoveForm,
    "suspend": forms.SuspendForm, "unsuspend": forms.OptionalReasonForm,
}


def _form(name: str, **kwargs):
    form = ACTION_FORMS[name](prefix=name, **kwargs)
    if name == "move":
        form.set_choices(services.space_choices())
    return form


def _item_page(kind_name: str, obj, status: int = 200, failed=None):
    entry = services.entry_for(kind_name, obj)
    page_forms = {name: _form(name, formdata=None) for name in ACTION_FORMS}
    if failed is not None:
        page_forms[failed._prefix.rstrip("-")] = failed
    member = obj if isinstance(obj, User) else entry.author
    history = services.item_log(kind_name, obj.id)
    names = services.users_by_id([a.actor_id for a in history])
    return render_template(
        "moderation/item.html", entry=entry, item=obj, kind=entry.kind, member=member,
        past=services.past_reports(kind_name, obj.id), history=history, names=names,
        indefinite=services.is_indefinite, forms=page_forms), status


def _act(kind_name: str, item_id: int, name: str, action, done: str):
    """Shared by the item actions: load (404), staff (403), form, one service, commit."""
    _require_staff()
    _kind, obj = _load(kind_name, item_id)
    form = _form(name)
    if form.validate_on_submit():
        back = (url_for(".queue") if request.form.get("back") == "queue" else
                url_for(".item", kind_name=kind_name, item_id=obj.id))
        response = web.submit(form, lambda: action(obj, form), done, back)
        if response:
            return response
    return _item_page(kind_name, obj, 400, failed=form)


@bp.post("/mod/<kind_name>/<int:item_id>/dismiss")
@login_required
def dismiss(kind_name: str, item_id: int):
    return _act(kind_name, item_id, "dismiss",
                lambda obj, f: services.dismiss(current_user, kind_name, obj, f.reason.data),
                _("The reports have been dismissed."))


@bp.post("/mod/<kind_name>/<int:item_id>/hide")
@login_required
def hide(kind_name: str, item_id: int):
    return _act(kind_name, item_id, "hide",
                lambda obj, f: services.hide(current_user, kind_name, obj, f.reason.data),
                _("The content is hidden; its author has been told why."))


@bp.post("/mod/<kind_name>/<int:item_id>/restore")
@login_required
def restore(kind_name: str, item_id: int):
    return _act(kind_name, item_id, "restore",
                lambda obj, f: services.restore(current_user, kind_name, obj, f.reason.data),
                _("The content is public again."))


@bp.post("/mod/<kind_name>/<int:item_id>/purge")
@login_required
def purge(kind_name: str, item_id: int):
    _require_staff()
    if not permissions.can_purge(current_user):
        abort(403)
    _kind, obj = _load(kind_name, item_id)
    form = _form("purge")
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.purge(current_user, kind_name, obj, form.reason.data),
            _("The content has been deleted for good."),
            lambda _saved: url_for(".queue"))
        if done:
            return done
    return _item_page(kind_name, obj, 400, failed=form)


@bp.route("/mod/<kind_name>/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(kind_name: str, item_id: int):
    _require_staff()
    _kind, obj = _load(kind_name, item_id)
    if kind_name not in ("post", "discussion"):
        abort(404)
    post = services._editable_post(kind_name, obj)
    form = forms.EditForm()
    if request.method == "GET":
        form.body.data, form.title.data = post.body, post.discussion.title
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.edit_item(current_user, kind_name, obj, form.body.data,
                                             form.reason.data, form.title.data),
            _("The changes have been saved."),
            lambda _saved: url_for(".item", kind_name=kind_name, item_id=obj.id))
        if done:
            return done
    return render_template("moderation/edit.html", form=form, post=post, kind_name=kind_name,
                           item=obj)


# --- discussions -----------------------------------------------------------------------------

def _discussion(discussion_id: int) -> Discussion:
    _require_staff()
    discussion = db.session.get(Discussion, discussion_id)
    if discussion is None:
        abort(404)
    return discussion


def _toggle(discussion_id: int, name: str, change, on: str, off: str):
    discussion = _discussion(discussion_id)
    form = _form(name)
    if not form.validate_on_submit():
        abort(400)
    change(discussion, form.state.data == "on", form.reason.data)
    db.session.commit()
    flash(on if form.state.data == "on" else off, "success")
    return redirect(url_for(".item", kind_name="discussion", item_id=discussion.id))


@bp.post("/mod/discussions/<int:discussion_id>/lock")
@login_required
def lock(discussion_id: int):
    return _toggle(discussion_id, "lock", lambda d, state, reason: services.set_locked(
        current_user, d, state, reason), _("The discussion is locked."),
        _("The discussion is open again."))


@bp.post("/mod/discussions/<int:discussion_id>/pin")
@login_required
def pin(discussion_id: int):
    return _toggle(discussion_id, "pin", lambda d, state, reason: services.set_pinned(
        current_user, d, state, reason), _("The discussion is pinned."),
        _("The discussion is no longer pinned."))


@bp.post("/mod/discussions/<int:discussion_id>/move")
@login_required
def move(discussion_id: int):
    discussion = _discussion(discussion_id)
    form = _form("move")
    if form.validate_on_submit():
        space = services.find_space(form.space.data)
        done = web.submit(
            form, lambda: services.move_discussion(current_user, discussion, space,
                                                   form.reason.data),
            _("The discussion has been moved."),
            lambda _saved: url_for(".item", kind_name="discussion", item_id=discussion.id))
        if done:
            return done
    return _item_page("discussion", discussion, 400, failed=form)


# --- members ---------------------------------------------------------------------------------

def _member(user_id: int) -> User:
    _require_staff()
    member = db.session.get(User, user_id)
    if member is None or member.is_deleted:
        abort(404)
    if not permissions.can_suspend(current_user, member):
        abort(403)
    return member


@bp.post("/mod/members/<int:user_id>/suspend")
@login_required
def suspend(user_id: int):
    member = _member(user_id)
    form = _form("suspend")
    if form.validate_on_submit():
        days = None if form.indefinitely.data else form.days.data
        done = web.submit(
            form, lambda: services.suspend(current_user, member, days, form.reason.data),
            _("%(name)s is suspended.", name=member.display_name),
            lambda _saved: url_for(".item", kind_name="user", item_id=member.id))
        if done:
            return done
    return _item_page("user", member, 400, failed=form)


@bp.post("/mod/members/<int:user_id>/unsuspend")
@login_required
def unsuspend(user_id: int):
    member = _member(user_id)
    form = _form("unsuspend")
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.unsuspend(current_user, member, form.reason.data),
            _("The suspension of %(name)s has been lifted.", name=member.display_name),
            lambda _saved: url_for(".item", kind_name="user", item_id=member.id))
        if done:
            return done
    return _item_page("user", member, 400, failed=form)


# --- the audit log ---------------------------------------------------------------------------

def _day_arg(name: str) -> datetime | None:
    raw = request.args.get(name) or ""
    if not raw:
        return None
    try:
        day = bounds.parse_day(raw)
    except ValueError:
        abort(400)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@bp.get("/mod/log")
@login_required
def log():
    _require_staff()
    action = request.args.get("action") or None
    if action is not None and action not in ACTIONS:
        abort(400)
    actor_name = (request.args.get("actor") or "").strip()[:30]
    actor = services.find_member(actor_name) if actor_name else None
    since, until = _day_arg("from"), _day_arg("to")
    pagination = web.within_pages(services.log_page(
        action=action, actor_id=actor.id if actor else (-1 if actor_name else None),
        since=since, until=until + timedelta(days=1) if until else None, page=web.page_arg()))
    names = services.users_by_id(
        [e.actor_id for e in pagination.items] + [e.target_user_id for e in pagination.items])
    return render_template("moderation/log.html", pagination=pagination, names=names,
                           items=services.log_items(pagination.items),
                           actions=ACTIONS, action=action, actor=actor_name,
                           since=request.args.get("from", ""), until=request.args.get("to", ""))


# --- template helpers ------------------------------------------------------------------------

def report_url(kind_name: str, item) -> str | None:
    """The "Report" link for an item, or None when the viewer may not report it."""
    kind = registry.get(kind_name)
    if kind is None or not permissions.can_report(current_user, kind.author(item)):
        return None
    return url_for("moderation.report", kind_name=kind_name, item_id=item.id)


def hidden_reason(item) -> str | None:
    """Why an item is not public, for its author and staff."""
    reason = getattr(item, "visibility_reason", None)
    if reason == services.AUTO_REASON:
        return _("Several members reported it; it is hidden until staff review it.")
    return reason


def open_reports() -> int | None:
    """The count beside "Moderation" in the staff's menu; None for everyone else."""
    if not permissions.can_moderate(current_user):
        return None
    return services.open_report_count()


@bp.record_once
def _register_template_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        report_url=report_url, hidden_reason=hidden_reason,
        visibility_label=lambda state: STATES.get(state, state),
        reason_label=lambda code: REASONS.get(code, code), open_reports=open_reports)
