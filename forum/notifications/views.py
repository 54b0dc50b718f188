"""Follow buttons, the "Following" page, notifications, e-mail settings and unsubscribe."""
from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from forum.core.security import safe_next
from forum.extensions import db, login_manager
from forum.notifications import follows
from forum.notifications.permissions import (
    TEMPLATE_PREDICATES,
    can_follow,
    can_stop_following,
)

bp = Blueprint("notifications", __name__)


# --- following -------------------------------------------------------------------------------

def _change(kind: str, item_id: int, change, allowed, done: str, unchanged: str):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    item = follows.load(kind, item_id, current_user) or abort(404)
    if not allowed(current_user):
        abort(403)
    changed = change(current_user, item)
    db.session.commit()
    flash(done if changed else unchanged, "success" if changed else "info")
    default = follows.KINDS[kind].url(item)
    return redirect(safe_next(request.form.get("next"), default))


@bp.post("/follow/<kind>/<int:item_id>")
def follow(kind: str, item_id: int):
    return _change(kind, item_id, follows.follow, can_follow,
                   _("You follow this now: you will be told what happens here."),
                   _("You already follow this."))


@bp.post("/mute/<kind>/<int:item_id>")
def mute(kind: str, item_id: int):
    if kind in follows.KINDS and not follows.KINDS[kind].mutable:
        abort(404)
    return _change(kind, item_id, follows.mute, can_follow,
                   _("Muted: you will hear nothing from here, not even mentions."),
                   _("You had already muted this."))


@bp.post("/unfollow/<kind>/<int:item_id>")
def unfollow(kind: str, item_id: int):
    return _change(kind, item_id, follows.unfollow, can_stop_following,
                   _("Done: you no longer follow or mute this."),
                   _("You were not following this."))


@bp.get("/account/following")
@login_required
def following():
    from forum.calls import services as calls

    items = follows.followed_by(current_user)
    return render_template("notifications/following.html", items=items,
                           calls=calls.followed_calls(current_user), button=FlaskForm())


@bp.app_context_processor
def _template_helpers():
    return {"follow_state": lambda item: follows.state_of(current_user, item),
            "follow_kind": follows.kind_of, "notifications_can": TEMPLATE_PREDICATES}
