"""Attachment downloads, and their removal by staff or the member who uploaded them."""
from flask import Blueprint, abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.attachments import services as attachments
from forum.attachments.models import Attachment
from forum.attachments.permissions import can_delete, can_download
from forum.extensions import db, login_manager

bp = Blueprint("attachments", __name__)



@bp.get("/attachments/<int:attachment_id>/<path:filename>")
def download(attachment_id: int, filename: str):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    if not can_download(current_user, attachment):
        abort(404)
    if filename != attachment.original_name:
        return redirect(url_for(".download", attachment_id=attachment.id,
                                filename=attachment.original_name))
    path = attachments.file_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
def delete(attachment_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    if not can_download(current_user, attachment):
        abort(404)
    if not can_delete(current_user, attachment):
        abort(403)
    back = attachments.owner_url(attachment) or url_for("home.index")
    attachments.delete_attachment(attachment)
    db.session.commit()
    flash(_("The attachment %(name)s was removed.", name=attachment.original_name), "success")
    return redirect(back)
