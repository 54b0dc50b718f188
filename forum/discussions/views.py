"""Discussion pages: the thread, replying, quoting, editing, deleting, staff pin and lock."""
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

from forum.accounts.permissions import can_post
from forum.attachments import services as attachments
from forum.attachments.web import accept_uploads
from forum.core import web
from forum.core.visibility import PENDING, can_see
from forum.core.web import PAGE_SIZE
from forum.discussions import permissions, services
from forum.discussions.forms import ActionForm, DiscussionForm, EditPostForm, PostForm, StateForm
from forum.discussions.models import Discussion, Post
from forum.discussions.urls import post_location
from forum.extensions import db

bp = Blueprint("discussions", __name__)
accept_uploads(bp, {"discussions.reply", "discussions.create", "discussions.edit_post"})

SPACE_ENDPOINTS = {"twinning": "twinnings.show", "network": "places.network"}




# --- the thread ------------------------------------------------------------------------------

@bp.get("/discussions/")
def index():
    """The latest discussions of every space the viewer may see."""
    space = _space_arg() if request.args.get("space") else None
    unanswered = request.args.get("unanswered") == "1"
    pagination = web.within_pages(services.latest_page(
        current_user, web.page_arg(), space=space, unanswered=unanswered))
    return render_template("discussions/index.html", pagination=pagination,
                           spaces=services.space_choices(current_user),
                           space=request.args.get("space") if space else None,
                           unanswered=unanswered)


@bp.get("/discussions/<int:discussion_id>")
def show(discussion_id: int):
    discussion = _load_discussion(discussion_id)
    form = PostForm()
    quote_id = request.args.get("quote")
    if quote_id is not None:
        form.body.data = services.quote_of(_quoted_post(discussion, quote_id))
    return _render_thread(discussion, web.page_arg(), form)


@bp.post("/discussions/<int:discussion_id>/reply")
@login_required
def reply(discussion_id: int):
    discussion = _load_discussion(discussion_id)
    if not can_post(current_user):
        abort(403)
    if discussion.locked:
        flash(_("This discussion is locked: it accepts no new replies."), "danger")
        return redirect(url_for(".show", discussion_id=discussion.id))
    form = PostForm()
    if not form.validate_on_submit() or form.preview.data:
        return _render_thread(discussion, None, form, preview=form.preview.data)
    done = web.submit(
        form, lambda: services.reply(current_user, discussion, form.body.data,
                                     form.attachments.data, form.submission.data),
        lambda post: (_("Thank you: your reply will appear once staff have approved it."), "info")
        if post.visibility == PENDING else _("Your reply has been published."),
        post_location)
    return done or _render_thread(discussion, None, form)


def _render_thread(discussion: Discussion, page: int | None, form: PostForm, preview=False):
    """One page of the thread; page None means the last one, where the reply box is."""
    pagination = services.posts_page(discussion, page or 1, PAGE_SIZE)
    if page is None and pagination.pages > 1:
        pagination = services.posts_page(discussion, pagination.pages, PAGE_SIZE)
    elif page is not None and page > max(pagination.pages, 1):
        abort(404)
    preview_html = services.render_body(form.body.data) if preview and form.body.data else None
    form.submission.data = form.submission.data or services.new_submission_key()
    latest = None
    if pagination.total:
        latest = url_for(".show", discussion_id=discussion.id, page=pagination.pages,
                         _anchor=f"post-{pagination.total}")
    return render_template(
        "discussions/show.html", discussion=discussion, space=discussion.space,
        pagination=pagination, posts=pagination.items, form=form, preview_html=preview_html,
        latest_url=latest, files=services.attachments_by_post(pagination.items),
    )


# --- starting a discussion ------------------------------------------------------------------

@bp.route("/discussions/new", methods=["GET", "POST"])
@login_required
def create():
    space = _space_arg()
    if not can_post(current_user):
        abort(403)
    form = DiscussionForm()
    preview_html = None
    if form.validate_on_submit():
        if form.preview.data:
            preview_html = services.render_body(form.body.data)
        else:
            done = web.submit(
                form, lambda: services.start_discussion(current_user, space, form.title.data,
                                                        form.body.data, form.attachments.data,
                                                        form.submission.data),
                lambda discussion: (_("Thank you: your discussion will appear once staff have "
                                      "approved it."), "info")
                if discussion.visibility == PENDING else _("Your discussion has started."),
                lambda discussion: url_for(".show", discussion_id=discussion.id))
            if done:
                return done
    form.submission.data = form.submission.data or services.new_submission_key()
    return render_template("discussions/new.html", form=form, space=space,
                           space_key=request.args["space"], preview_html=preview_html)


def _space_arg():
    """`?space=twinning:<slug>` or `network:<slug>`: malformed is a 400, unknown a 404."""
    kind, _sep, slug = (request.args.get("space") or "").partition(":")
    if kind not in SPACE_ENDPOINTS or not slug:
        abort(400)
    space = services.find_space(kind, slug)
    if space is None or not can_see(current_user, space):
        abort(404)
    return space


# --- one post --------------------------------------------------------------------------------

@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = _load_post(post_id)
    if not permissions.can_edit_post(current_user, post):
        abort(403)
    form = EditPostForm()
    if request.method == "GET":
        form.body.data = post.body
        form.title.data = post.discussion.title
    preview_html = None
    if form.validate_on_submit():
        if form.preview.data:
            preview_html = services.render_body(form.body.data)
        else:
            title = form.title.data if post.number == 1 else None
            done = web.submit(
                form, lambda: services.edit_post(current_user, post, form.body.data, title,
                                                 form.attachments.data),
                _("Your changes have been saved."), lambda _saved: post_location(post))
            if done:
                return done
    return render_template("discussions/edit_post.html", form=form, post=post,
                           discussion=post.discussion, preview_html=preview_html,
                           files=attachments.attachments_of("post", post.id))


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id: int):
    post = _load_post(post_id)
    if not permissions.can_delete_post(current_user, post):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_post(current_user, post)
    db.session.commit()
    flash(_("The post has been deleted."), "success")
    return redirect(post_location(post))


@bp.post("/posts/<int:post_id>/restore")
@login_required
def restore_post(post_id: int):
    post = _load_post(post_id)
    if not permissions.can_restore_post(current_user, post):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.restore_post(current_user, post)
    db.session.commit()
    flash(_("The post has been restored."), "success")
    return redirect(post_location(post))


# --- staff -----------------------------------------------------------------------------------

@bp.post("/discussions/<int:discussion_id>/pin")
@login_required
def pin(discussion_id: int):
    discussion = _staff_toggle(discussion_id)
    services.set_pinned(current_user, discussion, request.form["state"] == "on")
    db.session.commit()
    flash(_("The discussion is pinned.") if discussion.pinned
          else _("The discussion is no longer pinned."), "success")
    return redirect(url_for(".show", discussion_id=discussion.id))


@bp.post("/discussions/<int:discussion_id>/lock")
@login_required
def lock(discussion_id: int):
    discussion = _staff_toggle(discussion_id)
    services.set_locked(current_user, discussion, request.form["state"] == "on")
    db.session.commit()
    flash(_("The discussion is locked.") if discussion.locked
          else _("The discussion is open again."), "success")
    return redirect(url_for(".show", discussion_id=discussion.id))


def _staff_toggle(discussion_id: int) -> Discussion:
    discussion = _load_discussion(discussion_id)
    if not permissions.can_moderate_discussion(current_user, discussion):
        abort(403)
    if not StateForm().validate_on_submit():
        abort(400)
    return discussion


# --- loading ---------------------------------------------------------------------------------

def _load_discussion(discussion_id: int) -> Discussion:
    discussion = db.session.get(Discussion, discussion_id)
    if discussion is None or not permissions.can_see_discussion(current_user, discussion):
        abort(404)
    return discussion


def _load_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not permissions.can_see_discussion(current_user, post.discussion):
        abort(404)
    return post


def _quoted_post(discussion: Discussion, raw_id: str) -> Post:
    if not raw_id.isdigit():
        abort(400)
    post = db.session.get(Post, int(raw_id))
    if post is None or post.discussion_id != discussion.id or not permissions.can_quote(
        current_user, post
    ):
        abort(404)
    return post



# --- template helpers ------------------------------------------------------------------------

def space_url(space) -> str | None:
    if space is None:
        return None
    return url_for(SPACE_ENDPOINTS[services.space_kind(space)], slug=space.slug)


def space_name(space) -> str:
    return getattr(space, "title", None) or getattr(space, "name", "")


space_key = services.space_key


@bp.record_once
def _register_template_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        space_url=space_url, space_name=space_name,
        space_key=space_key,
        quote_markdown=services.quote_of, post_link=post_location,
    )
