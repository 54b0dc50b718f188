"""Who may curate cities, projects and networks: small pure predicates."""


def can_curate(user) -> bool:
    """Staff and admins curate the reference content (cities, projects, networks, twinnings)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def curators_only(view):
    """Visitors are sent to sign in; members who are not staff get 403."""
    from functools import wraps

    from flask import abort
    from flask_login import current_user

    from forum.extensions import login_manager

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not can_curate(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


TEMPLATE_PREDICATES = {"curate": can_curate}
