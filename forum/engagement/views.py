"""The leaderboards and the badges."""
from flask import Blueprint, abort, render_template, request

from forum.engagement import services
from forum.engagement.rules import BADGES

bp = Blueprint("engagement", __name__)


def _choice(name: str, options: tuple[str, ...]) -> str:
    value = request.args.get(name, options[0])
    if value not in options:
        abort(400)
    return value


@bp.get("/leaderboard")
def leaderboard():
    board, period = _choice("board", services.BOARDS), _choice("period", services.PERIODS)
    return render_template("engagement/leaderboard.html", board=board, period=period,
                           standings=services.leaderboard(board, period))


@bp.get("/badges")
def badges():
    return render_template("engagement/badges.html", badges=BADGES.values(),
                           holders=services.holders())


@bp.app_context_processor
def _template_helpers():
    return {"engagement_profile": services.profile_of,
            "engagement_action": services.action_label}
