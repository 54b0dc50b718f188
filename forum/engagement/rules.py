"""What earns points and badges.

Points reward what this community exists for: sharing a practice, answering someone's
request, getting a practice taken up by another council, moving a twinning forward. Volume
is capped per day and action, one's own content earns nothing, and each object earns each
action once per member (joining, leaving and joining again earns nothing more).

Badges are rules over the database, run for the members an action touches and re-runnable
(`engagement award --all`): a badge is awarded once (a unique constraint says so too).
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Interval, and_, distinct, exists, func, literal, select
from sqlalchemy.orm import aliased

from forum.calls.models import CallFollow
from forum.core.visibility import PUBLISHED
from forum.discussions.models import Discussion, Post
from forum.engagement.models import PointEntry
from forum.places.models import City
from forum.practices.models import OFFER, STORY, Practice, PracticeAdoption
from forum.twinnings.models import TwinningCity, TwinningParticipant


@dataclass(frozen=True)
class Action:
    points: int
    daily_cap: int  # at most this many awards of the action per member and day
    helping: bool
    label: object
    once: bool = False  # once per member ever, whatever the object


ACTIONS = {
    "first_post": Action(5, 1, False, _l("First post"), once=True),
    "reply": Action(2, 10, True, _l("Reply to another member")),
    "practice_offered": Action(10, 3, True, _l("Practice offered")),
    "story_told": Action(10, 3, True, _l("Story told")),
    "answer": Action(5, 5, True, _l("Answer to a request")),
    "matched": Action(25, 5, True, _l("Practice matched with another organisation")),
    # The most, as "matched", and for both sides: the offer's author and the adopter.
    "adopted": Action(25, 5, True, _l("Practice adopted by another organisation")),
    "report_upheld": Action(3, 5, True, _l("Report upheld by staff")),
    "joined_twinning": Action(3, 3, False, _l("Joined a twinning")),
    # Only once the organiser or staff confirm it: a member's word alone earns nothing.
    "event_attended": Action(5, 3, False, _l("Event attended")),
}

# A newcomer, for the "welcoming" badge: someone within their first month.
NEWCOMER = timedelta(days=30)


@dataclass(frozen=True)
class Badge:
    code: str
    name: object
    description: object
    symbol: str  # two letters drawn in the badge's icon, beside its name as text
    rule: Callable[[Connection, int], bool]
    # The actions (or "follow" for a call followed) after which the rule is worth running.
    triggers: frozenset = frozenset()


def _first_contribution(conn: Connection, user_id: int) -> bool:
    net = select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.user_id == user_id)
    return conn.scalar(net) > 0


def _storyteller(conn: Connection, user_id: int) -> bool:
    stories = select(func.count(Practice.id)).where(
        Practice.author_id == user_id, Practice.kind == STORY,
        Practice.visibility == PUBLISHED)
    return conn.scalar(stories) >= 3


def _mentor(conn: Connection, user_id: int) -> bool:
    offer, answered = aliased(Practice), aliased(Practice)
    taken_up = select(answered.id).join(offer, offer.id == answered.matched_practice_id).where(
        offer.author_id == user_id, offer.kind == OFFER, offer.visibility == PUBLISHED,
        answered.author_id != user_id, answered.visibility == PUBLISHED)
    # Or another organisation said it adopted the offer (marked by one of its members).
    adopted = select(PracticeAdoption.id).join(offer, offer.id == PracticeAdoption.practice_id) \
        .where(offer.author_id == user_id, offer.kind == OFFER, offer.visibility == PUBLISHED)
    return conn.scalar(select(exists(taken_up))) or conn.scalar(select(exists(adopted)))


def _scout(conn: Connection, user_id: int) -> bool:
    return conn.scalar(select(func.count(CallFollow.id)).where(
        CallFollow.user_id == user_id)) >= 5


def _bridge(conn: Connection, user_id: int) -> bool:
    regions = (select(TwinningCity.twinning_id)
               .join(City, City.id == TwinningCity.city_id)
               .join(TwinningParticipant,
                     TwinningParticipant.twinning_id == TwinningCity.twinning_id)
               .where(TwinningParticipant.user_id == user_id)
               .group_by(TwinningCity.twinning_id)
               .having(func.count(distinct(City.region)) >= 2))
    return conn.scalar(select(func.count()).select_from(regions.subquery())) >= 2


def _pioneer(conn: Connection, user_id: int) -> bool:
    mine = aliased(TwinningParticipant)
    earlier = (select(func.count()).select_from(TwinningParticipant)
               .where(TwinningParticipant.twinning_id == mine.twinning_id,
                      TwinningParticipant.joined_at < mine.joined_at)
               .scalar_subquery())
    return conn.scalar(select(exists(select(mine.user_id).where(
        mine.user_id == user_id, earlier < 3))))


def _welcoming(conn: Connection, user_id: int) -> bool:
    from forum.accounts.models import User

    first_replies = (
        select(func.count(Post.id))
        .join(Discussion, Discussion.id == Post.discussion_id)
        .join(User, User.id == Discussion.author_id)
        .where(Post.author_id == user_id, Post.number == 2, Post.visibility == PUBLISHED,
               Discussion.author_id != user_id,
               and_(User.joined_at <= Discussion.created_at,
                    User.joined_at + literal(NEWCOMER, Interval()) >= Discussion.created_at)
               if conn.dialect.name == "postgresql" else
               func.julianday(Discussion.created_at) - func.julianday(User.joined_at)
               <= NEWCOMER.days))
    return conn.scalar(first_replies) >= 3


BADGES = {badge.code: badge for badge in (
    Badge("first-contribution", _l("First contribution"),
          _l("Earned the first points by taking part."), "1º", _first_contribution,
          frozenset(ACTIONS)),
    Badge("storyteller", _l("Storyteller"),
          _l("Told three stories of practices applied."), "St", _storyteller,
          frozenset({"story_told"})),
    Badge("mentor", _l("Mentor"),
          _l("An offered practice was taken up by another organisation."), "Me", _mentor,
          frozenset({"matched", "adopted"})),
    Badge("scout", _l("Scout"), _l("Follows five calls for funding."), "Sc", _scout,
          frozenset({"follow"})),
    Badge("bridge", _l("Bridge"),
          _l("Took part in two twinnings between cities of different regions."), "Br",
          _bridge, frozenset({"joined_twinning"})),
    Badge("pioneer", _l("Twinning pioneer"),
          _l("Among the first three members to join a twinning."), "Pi", _pioneer,
          frozenset({"joined_twinning"})),
    Badge("welcoming", _l("Welcoming"),
          _l("First to reply to three newcomers' discussions."), "Be", _welcoming,
          frozenset({"reply"})),
)}
