"""Site-wide pages: home, privacy notice, accessibility statement, health check."""
from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from forum.accounts import services as accounts
from forum.calls import services as calls
from forum.core.caching import no_page_cache
from forum.discussions import services as discussions
from forum.extensions import db
from forum.practices import services as practices
from forum.twinnings import services as twinnings

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    # A member who comes back starts with their twinnings and what moved since last time.
    yours = (discussions.news_since(current_user, current_user.previous_login_at)
             if current_user.is_authenticated else None)
    return render_template("home/home.html", latest_members=accounts.latest_members(8),
                           your_twinnings=yours,
                           latest_discussions=discussions.latest_discussions(6, current_user),
                           latest_twinnings=twinnings.latest_twinnings(3, current_user),
                           latest_practices=practices.latest_practices(current_user, 4),
                           closing_calls=calls.closing_soon(current_user, 4))


@bp.get("/privacy")
def privacy():
    return render_template("home/privacy.html", contact_email=_contact_email())


@bp.get("/accessibility")
def accessibility():
    return render_template("home/accessibility.html", contact_email=_contact_email())


def _contact_email() -> str | None:
    # Where visitors write about their data or an accessibility problem; set by the operator.
    return current_app.config.get("FORUM_CONTACT_EMAIL")


@bp.get("/healthz")
@no_page_cache  # the live state of the database and the index, never a copy
def healthz():
    checks = {"database": _database_ok()}
    status = 200 if all(checks.values()) else 503
    # Search trouble is reported, not fatal: the site works without it, so only the
    # database makes this a 503 (a balancer would otherwise drop every healthy worker).
    from forum.search.services import health as search_health

    checks["search"], search_detail = search_health()
    overall = "ok" if all(checks.values()) else "degraded"
    return jsonify(status=overall, checks=checks, details={"search": search_detail}), status


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return False
