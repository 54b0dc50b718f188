"""Follow buttons, the "Following" page, notifications, e-mail settings and unsubscribe."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from forum.core import atom, web
from forum.core.security import safe_next
from forum.extensions import csrf, db, login_manager
from forum.notifications import events, feeds, follows, inbox, mail, services
from forum.notifications.forms import PreferencesForm
from forum.notifications.permissions import (
    can_follow,
    can_manage_mail,
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
    items = follows.followed_by(current_user)
    return render_template("notifications/following.html", items=items, button=FlaskForm(),
                           **follows.followed_elsewhere(current_user))


@bp.app_context_processor
def _template_helpers():
    return {"follow_state": lambda item: follows.state_of(current_user, item),
            "follow_kind": follows.kind_of}


# --- notifications ---------------------------------------------------------------------------

@bp.get("/notifications/")
@login_required
def index():
    result = inbox.groups_of(current_user, web.page_arg()) or abort(404)
    return render_template("notifications/index.html", result=result, button=FlaskForm(),
                           message_of=events.message_of)


@bp.post("/notifications/<int:notification_id>/open")
def open_notification(notification_id: int):
    """The link of a notification: read it (and its group), then go to the page."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    notification = inbox.notification_of(current_user, notification_id) or abort(404)
    inbox.mark_read(current_user, notification)
    db.session.commit()
    return redirect(notification.link)


@bp.post("/notifications/<int:notification_id>/read")
def read(notification_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    notification = inbox.notification_of(current_user, notification_id) or abort(404)
    inbox.mark_read(current_user, notification)
    db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for(".index")))


@bp.post("/notifications/read")
def read_all():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    inbox.mark_all_read(current_user)
    db.session.commit()
    flash(_("Every notification is marked as read."), "success")
    return redirect(url_for(".index"))


# --- e-mail settings and unsubscribing -------------------------------------------------------

@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    kinds = mail.configurable_kinds()
    form = PreferencesForm.build(kinds, mail.preferences_of(current_user))
    if form.validate_on_submit():
        mail.set_preferences(current_user, form.choices())
        db.session.commit()
        flash(_("Your e-mail settings are saved."), "success")
        return redirect(url_for(".settings"))
    return render_template("notifications/settings.html", form=form, kinds=kinds)


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """From an e-mail, signed out: the page has one button; a mail client's RFC 8058 one-click
    POST (no CSRF token: the signed token is the proof) does the same."""
    entry = mail.read_token(token)
    if entry is None:
        return render_template("notifications/unsubscribe.html", entry=None), 410
    if request.method == "POST":
        mail.unsubscribe(entry)
        db.session.commit()
        return render_template("notifications/unsubscribe.html", entry=entry, done=True)
    return render_template("notifications/unsubscribe.html", entry=entry, done=False)


# --- parked mail (administrators) ------------------------------------------------------------

@bp.get("/admin/mail")
@login_required
def parked():
    if not can_manage_mail(current_user):
        abort(403)
    pagination = services.parked_messages(web.page_arg()) or abort(404)
    return render_template("notifications/parked.html", pagination=pagination,
                           button=FlaskForm())


@bp.post("/admin/mail/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    if not can_manage_mail(current_user):
        abort(403)
    message = services.parked_message(message_id) or abort(404)
    services.retry_parked(message)
    db.session.commit()
    flash(_("The message to %(recipient)s is back in the queue: the next round of the sender "
            "tries it again.", recipient=message.recipient), "success")
    return redirect(url_for(".parked"))


# --- Atom feeds (the calls feed is the calls package's) --------------------------------------

@bp.get("/feeds/discussions.atom")
def discussions_feed():
    return atom.response(feeds.discussions_feed())


@bp.get("/feeds/practices.atom")
def practices_feed():
    return atom.response(feeds.practices_feed())


@bp.get("/twinnings/<slug>/feed.atom")
def twinning_feed(slug: str):
    twinning = feeds.visible_twinning(slug) or abort(404)
    return atom.response(feeds.twinning_feed(twinning))


@bp.get("/networks/<slug>/feed.atom")
def network_feed(slug: str):
    network = feeds.visible_network(slug) or abort(404)
    return atom.response(feeds.network_feed(network))
