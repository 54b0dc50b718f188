"""Helpers the views of every package share: the ?page= argument and a service's refusal
shown on its form."""
from flask import abort, flash, request

from forum.core.errors import ServiceError

# Past this a page number is a crafted request, not a reader paging through.
MAX_PAGE = 100_000


def page_arg() -> int:
    """The ?page= number; anything but a positive integer is a bad request (400)."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400)
    return int(raw)


def form_error(form, error: ServiceError) -> None:
    """Put a service's refusal next to its field (a refused file next to the file field);
    a rule about no field in particular becomes a flashed message. The form keeps its input."""
    field = form[error.field] if error.field and error.field in form else None
    if field is None:
        flash(error.message, "danger")
    else:
        field.errors = [*field.errors, error.message]
