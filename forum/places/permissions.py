"""Who may curate cities, projects and networks: small pure predicates."""


def can_curate(user) -> bool:
    """Staff and admins curate the reference content (cities, projects, networks, twinnings)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def can_join_network(user, network) -> bool:
    """Confirmed, not suspended members join (and leave) the networks they can see."""
    from forum.accounts.permissions import can_post
    from forum.core.visibility import can_see

    return can_post(user) and can_see(user, network)


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
