"""Helpers the views of every package share: the ?page= argument, a service's refusal shown
on its form, the one way a form view runs its service (`submit`) and joining or leaving a
space (`membership`)."""
from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from forum.core.db import committed
from forum.core.errors import ServiceError, ServiceErrors
from forum.core.limits import note_retry_after
from forum.extensions import db, login_manager

T = TypeVar("T")
# What to flash after a commit: a message (shown as a success), (message, category), or None.
Flash = str | tuple[str, str] | None

# Past this a page number is a crafted request, not a reader paging through.
MAX_PAGE = 100_000
# Rows on a page of every list and thread (the data files of /opendata/ page on their own).
PAGE_SIZE = 20


def page_arg() -> int:
    """The ?page= number; anything but a positive integer is a bad request (400)."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400)
    return int(raw)


def within_pages(pagination):
    """A list's page, or 404 when the number is past its end: one answer on every list (an
    empty first page is still the list, saying it is empty)."""
    if pagination.page > max(pagination.pages or 0, 1):
        abort(404)
    return pagination


def form_error(form, error: ServiceError) -> None:
    """Put a service's refusal next to its field (a refused file next to the file field);
    a rule about no field in particular becomes a flashed message. The form keeps its input.
    Several refusals at once (ServiceErrors) each go beside their own field."""
    if isinstance(error, ServiceErrors):
        for each in error.errors:
            form_error(form, each)
        return
    if getattr(error, "retry_after", None):
        note_retry_after(error.retry_after)
    field = form[error.field] if error.field and error.field in form else None
    if field is None:
        flash(error.message, "danger")
    else:
        field.errors = [*field.errors, error.message]


def more_errors(form, errors: list[ServiceError]) -> None:
    """After a form failed its own checks, the service's rules about the fields it found
    valid (a username taken, a common password), so one submit shows every error."""
    for error in errors:
        if not (error.field and error.field in form and form[error.field].errors):
            form_error(form, error)


def submit(form, action: Callable[[], T], success: Flash | Callable[[T], Flash],
           next_url: str | Callable[[T], str | Response]) -> Response | None:
    """Run a validated form's service: on a ServiceError roll back and show it on the form
    (None: the view renders the form again, input intact); else commit once, flash `success`
    and redirect to `next_url`. Both may be functions of what the service returned; a
    `next_url` function may do after-commit work (sign out, set a cookie) and return a
    response of its own."""
    try:
        # Committed with a retry on a conflict with a simultaneous write (forum.core.db).
        result = committed(action)
    except ServiceError as error:
        db.session.rollback()
        form_error(form, error)
        return None
    message = success(result) if callable(success) else success
    if isinstance(message, tuple):
        flash(*message)
    elif message:
        flash(message, "success")
    target = next_url(result) if callable(next_url) else next_url
    return redirect(target) if isinstance(target, str) else target


def membership(lookup: Callable[[object], object], allowed: Callable[[object, object], bool],
               change: Callable[[object, object], bool], messages: tuple[str, str],
               endpoint: str) -> Response:
    """Join or leave a space (a twinning, a network): a visitor signs in first; `lookup(user)`
    finds the space (404), `allowed(user, space)` may refuse (403); `change(user, space)` says
    whether anything changed, flashed as `messages` (done, unchanged). Back to the member's
    panel on `endpoint`'s page, where the button was, not the top of a long page."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    space = lookup(current_user) or abort(404)
    if not allowed(current_user, space):
        abort(403)
    changed = change(current_user, space)
    db.session.commit()
    done, unchanged = messages
    flash(done if changed else unchanged, "success" if changed else "info")
    return redirect(url_for(endpoint, slug=space.slug, _anchor="take-part"))
