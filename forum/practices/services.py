"""Rules about practices: writing them, lists, matching, interest, matched, adopters.

Services flush, never commit, and take the acting member explicitly.
"""
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.attachments import services as attachments
from forum.core import visibility
from forum.core.db import utcnow
from forum.core.errors import BadFilter, ServiceError
from forum.core.markup import render_markdown
from forum.core.themes import THEMES
from forum.core.urls import site_url
from forum.core.visibility import can_see, visible_to
from forum.core.web import PAGE_SIZE
from forum.extensions import db
from forum.notifications import events, follows
from forum.notifications.services import queue_mail
from forum.places import services as places
from forum.places.models import City, Organisation
from forum.practices import corpus as published_corpus
from forum.practices import matching
from forum.practices.models import (
    CLOSED,
    IN_PROGRESS,
    KINDS,
    LANGUAGES,
    MATCHED,
    MESSAGE_MAX,
    OFFER,
    OPEN,
    SEEK,
    STATUSES,
    STORY,
    SUMMARY_MAX,
    Practice,
    PracticeAdoption,
    PracticeInterest,
    PracticeLink,
)
from forum.twinnings.models import Twinning

PUBLIC_ADMINISTRATION = "public-administration"
RELATED_MAX = 10
# Which kinds, in which states, a practice of each kind is matched against.
TARGETS = {
    SEEK: ({OFFER, STORY}, {OPEN, IN_PROGRESS, MATCHED}),
    OFFER: ({SEEK}, {OPEN, IN_PROGRESS}),
    STORY: ({SEEK}, {OPEN, IN_PROGRESS}),
}


def _with_places(query):
    return query.options(joinedload(Practice.city), joinedload(Practice.organisation))


def practice_by_id(practice_id: int, viewer) -> Practice | None:
    query = _with_places(select(Practice).where(Practice.id == practice_id)).options(
        joinedload(Practice.author), joinedload(Practice.twinning),
        joinedload(Practice.matched_practice), joinedload(Practice.matched_user))
    practice = db.session.scalar(query)
    return practice if practice is not None and can_see(viewer, practice) else None


# --- lists --------------------------------------------------------------------------------


def resolve_filters(kind=None, theme=None, city=None, status=None, language=None) -> dict:
    """Filter values from the query string; a value that names nothing raises BadFilter."""
    found = {}
    for name, value, known in (("kind", kind, KINDS), ("theme", theme, THEMES),
                               ("status", status, STATUSES), ("language", language, LANGUAGES)):
        if value:
            if value not in known:
                raise BadFilter(name)
            found[name] = value
    if city:
        found["city"] = db.session.scalar(select(City).where(City.slug == city))
        if found["city"] is None:
            raise BadFilter("city")
    return found


def _filtered(viewer, kind=None, theme=None, city=None, status=None, language=None):
    conditions = [visible_to(Practice, viewer)]
    if kind:
        conditions.append(Practice.kind == kind)
    if theme:
        conditions.append(Practice.has_theme(theme))
    if city is not None:
        conditions.append(Practice.city_id == city.id)
    if status:
        conditions.append(Practice.status == status)
    if language:
        conditions.append(Practice.language == language)
    return conditions


class RankedPagination(Pagination):
    """A page of practices in an order computed in Python (relevance), loaded by id."""

    def _query_items(self) -> list:
        ids = self._query_args["ids"][self._query_offset:self._query_offset + self.per_page]
        if not ids:
            return []
        rows = {p.id: p for p in db.session.scalars(
            _with_places(select(Practice).where(Practice.id.in_(ids))))}
        return [rows[i] for i in ids if i in rows]

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def list_practices(viewer, page: int = 1, *, q: str | None = None, per_page: int = PAGE_SIZE,
                   **filters):
    """Newest first, or by relevance to `q` (practices without a word of it left out)."""
    conditions = _filtered(viewer, **filters)
    if q and q.strip():
        rows = db.session.execute(
            select(Practice.id, Practice.kind, Practice.status, Practice.themes,
                   Practice.match_terms, Practice.language).where(*conditions))
        candidates = [_candidate(row) for row in rows]
        scores = matching.query_scores(q, candidates)
        ids = sorted(scores, key=lambda i: (-scores[i], -i))
        return RankedPagination(page=page, per_page=per_page, error_out=False, ids=ids)
    query = _with_places(select(Practice).where(*conditions)
                         .order_by(Practice.created_at.desc(), Practice.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def latest_practices(viewer, limit: int = 6) -> list[Practice]:
    return list(list_practices(viewer, 1, per_page=limit).items)


CITY_PRACTICES = 6


def practices_of_city(city, viewer):
    """The city page's practices: the newest few, with the total for "all N practices"."""
    return list_practices(viewer, 1, per_page=CITY_PRACTICES, city=city)


places.register_city_content("practices", practices_of_city)


def latest_practices_of(member, viewer) -> list[Practice]:
    """A member's newest practices the viewer may see, for the profile."""
    return list(db.session.scalars(_with_places(
        select(Practice).where(Practice.author_id == member.id, visible_to(Practice, viewer))
        .order_by(Practice.created_at.desc(), Practice.id.desc()).limit(CITY_PRACTICES))))


accounts.register_profile_content("practices", latest_practices_of)


def filter_options() -> list[tuple[str, str]]:
    """(slug, name) of the cities that have practices, for the filter menu."""
    query = (select(City.slug, City.name).where(City.id.in_(select(Practice.city_id)))
             .order_by(City.name))
    return [tuple(row) for row in db.session.execute(query)]


# --- writing ------------------------------------------------------------------------------


def form_choices(viewer) -> dict[str, list[tuple[int, str]]]:
    """(id, name) of the cities, organisations and twinnings a practice may name."""
    def pairs(query):
        return [tuple(row) for row in db.session.execute(query)]

    return {
        "cities": pairs(select(City.id, City.name).order_by(City.name)),
        "organisations": pairs(select(Organisation.id, Organisation.name)
                               .order_by(Organisation.name)),
        "twinnings": pairs(select(Twinning.id, Twinning.title)
                           .where(visible_to(Twinning, viewer)).order_by(Twinning.title)),
    }


def _row(model, value, field: str, message, viewer, current=None):
    """The row a select names. One the member may not see is refused exactly like one that
    does not exist, so a forged id neither links to it nor tells that it is there; the row
    already linked stays allowed (it may have been hidden since)."""
    if not value:
        return None
    if isinstance(value, model):
        return value
    row = db.session.get(model, value)
    if row is None or (row is not current and hasattr(row, "visibility") and
                       not can_see(viewer, row)):
        raise ServiceError(str(message), field=field)
    return row


def _check(data: dict) -> None:
    """The rules forms check too, for callers without a form (the importer, the seed)."""
    if not (data.get("title") or "").strip():
        raise ServiceError(_("Give the practice a title."), field="title")
    if len(data["title"]) > 200:
        raise ServiceError(_("The title can be at most 200 characters long."), field="title")
    if len(data.get("summary") or "") > SUMMARY_MAX:
        raise ServiceError(_("The summary can be at most %(n)s characters long.",
                                           n=SUMMARY_MAX), field="summary")
    if data.get("kind") not in KINDS:
        raise ServiceError(_("Choose whether you offer, seek or tell a story."), field="kind")
    if data.get("language") not in LANGUAGES:
        raise ServiceError(_("Choose the language of the text."), field="language")
    if data.get("status", OPEN) not in STATUSES:
        raise ServiceError(_("Choose a status from the list."), field="status")
    unknown = [code for code in data.get("themes") or () if code not in THEMES]
    if unknown:
        raise ServiceError(_("Unknown theme: %(codes)s. Choose themes from the "
                                          "list.", codes=", ".join(unknown)), field="themes")


def _set_practice(actor, practice: Practice, data: dict) -> None:
    _check(data)
    practice.kind = data["kind"]
    practice.title = data["title"].strip()
    practice.summary = (data.get("summary") or "").strip()
    practice.body = data.get("body") or ""
    practice.body_html = render_markdown(practice.body)
    practice.language = data["language"]
    practice.status = data.get("status") or practice.status or OPEN
    practice.theme_codes = data.get("themes") or []
    practice.city = _row(City, data.get("city"), "city", _("Choose a city from the list."),
                         actor, practice.city)
    practice.organisation = _row(Organisation, data.get("organisation"), "organisation",
                                 _("Choose an organisation from the list."), actor,
                                 practice.organisation)
    practice.twinning = _row(Twinning, data.get("twinning"), "twinning",
                             _("Choose a twinning from the list."), actor, practice.twinning)
    practice.match_terms = matching.practice_terms(practice.title, practice.summary,
                                                   practice.body, practice.language)
    practice.match_terms_version = matching.terms_version()


def _set_related(actor, practice: Practice, related) -> None:
    if related is None:
        return
    ids = list(dict.fromkeys(int(i) for i in related if int(i) != practice.id))
    if len(ids) > RELATED_MAX:
        raise ServiceError(_("Link at most %(n)s practices.", n=RELATED_MAX), field="related")
    found = {p.id: p for p in db.session.scalars(select(Practice).where(Practice.id.in_(ids)))}
    missing = [str(i) for i in ids if i not in found or not can_see(actor, found[i])]
    if missing:
        raise ServiceError(_("There is no practice number %(ids)s.",
                                           ids=", ".join(missing)), field="related")
    db.session.execute(PracticeLink.__table__.delete().where(
        PracticeLink.practice_id == practice.id))
    for related_id in ids:
        db.session.add(PracticeLink(practice_id=practice.id, related_id=related_id))
    db.session.flush()


def create_practice(author, data: dict, files=(), *, is_example: bool = False,
                    created_at=None) -> Practice:
    checked = attachments.check_files(files)
    practice = Practice(author_id=getattr(author, "id", None), is_example=is_example,
                        created_at=created_at or utcnow())
    _set_practice(author, practice, data)
    db.session.add(practice)
    db.session.flush()
    _set_related(author, practice, data.get("related"))
    attachments.store(author, "practice", practice.id, checked)
    refresh_adopters(practice)
    follows.follow_automatically([practice.author_id], practice, "author")
    return practice


def update_practice(actor, practice: Practice, data: dict, files=()) -> Practice:
    checked = attachments.check_files(files)
    _set_practice(actor, practice, data)
    if practice.status != MATCHED:
        practice.matched_practice = practice.matched_user = practice.matched_at = None
    practice.updated_at = utcnow()
    db.session.flush()
    _set_related(actor, practice, data.get("related"))
    attachments.store(actor, "practice", practice.id, checked)
    refresh_adopters(practice)
    return practice


def related_practices(practice: Practice, viewer) -> list[Practice]:
    linked = select(PracticeLink.related_id).where(PracticeLink.practice_id == practice.id) \
        .union(select(PracticeLink.practice_id).where(PracticeLink.related_id == practice.id))
    query = _with_places(select(Practice).where(Practice.id.in_(linked),
                                                visible_to(Practice, viewer))
                         .order_by(Practice.created_at.desc(), Practice.id.desc()))
    return list(db.session.scalars(query))


def titles_of(ids, viewer) -> dict[int, str]:
    """id -> title of the practices among `ids` this viewer may see (one query): the related
    practices a form names, shown by title beside their numbers."""
    ids = [i for i in ids if isinstance(i, int)][:RELATED_MAX * 2]
    if not ids:
        return {}
    return dict(db.session.execute(select(Practice.id, Practice.title).where(
        Practice.id.in_(ids), visible_to(Practice, viewer))).all())


def related_ids(practice: Practice) -> list[int]:
    return list(db.session.scalars(select(PracticeLink.related_id)
                                   .where(PracticeLink.practice_id == practice.id)
                                   .order_by(PracticeLink.related_id)))


# --- matching -----------------------------------------------------------------------------


_candidate = published_corpus.candidate


def _stale_terms():
    current = matching.terms_version()
    return or_(Practice.match_terms_version.is_(None), Practice.match_terms_version != current)


def stale_terms_count() -> int:
    """Practices whose matching terms were made with another lexicon or analysis."""
    return db.session.scalar(select(func.count(Practice.id)).where(_stale_terms()))


def refresh_match_terms(everything: bool = False) -> tuple[int, int]:
    """Re-analyse the text of the practices whose terms another lexicon or analysis made
    (every practice with `everything`). Returns (practices read, terms that changed)."""
    current = matching.terms_version()
    query = select(Practice).order_by(Practice.id)
    if not everything:
        query = query.where(_stale_terms())
    read = changed = 0
    for practice in db.session.scalars(query.execution_options(yield_per=200)):
        terms = matching.practice_terms(practice.title, practice.summary, practice.body,
                                        practice.language)
        read += 1
        if terms != practice.match_terms:
            practice.match_terms = terms
            changed += 1
        practice.match_terms_version = current
    db.session.flush()
    return read, changed


def _words_of(practice: Practice) -> dict[str, str]:
    return matching.surface_words(practice.title, practice.summary, practice.body,
                                  practice.language)


def suggestions_for(practice: Practice, limit: int = matching.SUGGESTIONS):
    """The practices that could answer this one, best first, each with its reasons.

    Only published practices that are not closed are ever suggested, whoever looks.
    """
    kinds, states = TARGETS[practice.kind]
    everyone, corpus = published_corpus.published()
    subject = _candidate(practice)
    if subject not in everyone:
        # Not published (its author or staff looking), or changed since: a corpus of its own.
        corpus = matching.Corpus([c for c in everyone if c.id != subject.id] + [subject])
    candidates = [c for c in everyone if c.kind in kinds and c.status in states]
    found = matching.rank(subject, candidates, corpus, limit)
    loaded = {p.id: p for p in db.session.scalars(
        _with_places(select(Practice).where(Practice.id.in_([s.id for s in found]))))}
    matching.explain(found, _words_of(practice),
                     {i: _words_of(p) for i, p in loaded.items()}, practice.language)
    for suggestion in found:
        suggestion.practice = loaded.get(suggestion.id)
    return [s for s in found if s.practice is not None]


# --- interest -----------------------------------------------------------------------------


def interest_of(user, practice: Practice) -> PracticeInterest | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(PracticeInterest).where(
        PracticeInterest.practice_id == practice.id, PracticeInterest.user_id == user.id))


def interests_in(practice: Practice) -> list[PracticeInterest]:
    query = (select(PracticeInterest).where(PracticeInterest.practice_id == practice.id)
             .options(joinedload(PracticeInterest.user))
             .order_by(PracticeInterest.created_at, PracticeInterest.id))
    return list(db.session.scalars(query))


def express_interest(user, practice: Practice, message: str, *,
                     notify: bool = True) -> PracticeInterest | None:
    """Record the member's interest and tell the author; None if they had already said so."""
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ServiceError(_("The message can be at most %(n)s characters long.",
                                           n=MESSAGE_MAX), field="message")
    if practice.author_id == user.id:
        raise ServiceError(_("This is your own practice."), field="message")
    if practice.status == CLOSED:
        raise ServiceError(_("This practice is closed."), field="message")
    if interest_of(user, practice) is not None:
        return None
    interest = PracticeInterest(practice_id=practice.id, user_id=user.id, message=message,
                                created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(interest)
    except IntegrityError:
        return None
    _move_interest_count(practice, +1)
    refresh_adopters(practice)
    follows.follow_automatically([user.id], practice, "interest")
    events.emit("practice.interest", user, practice)
    if notify:
        _tell_author(practice, user, message)
    return interest


def _move_interest_count(practice: Practice, step: int) -> None:
    db.session.execute(update(Practice).where(Practice.id == practice.id)
                       .values(interest_count=Practice.interest_count + step))
    db.session.refresh(practice, ["interest_count"])


# i18n: subject of the mail to a practice's author; %(name)s is the member who wrote.
HELP_SUBJECT = _l("%(name)s can help with your practice")
INTEREST_SUBJECT = _l("%(name)s is interested in your practice")


def _tell_author(practice: Practice, member, message: str) -> None:
    author = practice.author
    if author is None or not author.email or author.is_deleted:
        return
    language = author.preferred_language or current_app.config["BABEL_DEFAULT_LOCALE"]
    subject = HELP_SUBJECT if practice.kind == SEEK else INTEREST_SUBJECT
    with force_locale(language):
        body = render_template(
            "practices/mail/interest.txt", practice=practice, member=member, message=message,
            link=site_url("practices.show", practice_id=practice.id))
        queue_mail(author.email, str(subject % {"name": member.display_name}), body)


# --- matched ------------------------------------------------------------------------------


def match_options(practice: Practice, suggestions) -> dict:
    """What the author may name as the answer: the members who came forward, and the
    suggested practices, the related ones and those of the members who came forward."""
    interests = interests_in(practice)
    members = [i.user for i in interests if not i.user.is_deleted]
    ids = [s.practice.id for s in suggestions]
    authored = select(Practice.id).where(
        Practice.author_id.in_([m.id for m in members]),
        Practice.visibility == visibility.PUBLISHED, Practice.id != practice.id)
    ids += list(db.session.scalars(authored))
    ids += [p.id for p in related_practices(practice, None)]
    if practice.matched_practice_id:
        ids.append(practice.matched_practice_id)
    rows = {p.id: p for p in db.session.scalars(select(Practice).where(Practice.id.in_(ids)))}
    return {"practices": [rows[i] for i in dict.fromkeys(ids) if i in rows],
            "members": members}


def mark_matched(actor, practice: Practice, answer_practice_id: int | None,
                 answer_user_id: int | None) -> Practice:
    """Status matched, naming the practice or the member (or both) that answered it."""
    if not answer_practice_id and not answer_user_id:
        raise ServiceError(_("Name the practice or the member that answered it."),
                           field="answer_practice")
    answer = None
    if answer_practice_id:
        answer = db.session.get(Practice, answer_practice_id)
        if answer is None or answer.id == practice.id or not can_see(actor, answer):
            raise ServiceError(_("Choose a practice from the list."), field="answer_practice")
    member = None
    if answer_user_id:
        member = db.session.get(User, answer_user_id)
        came_forward = member is not None and db.session.scalar(select(PracticeInterest.id).where(
            PracticeInterest.practice_id == practice.id,
            PracticeInterest.user_id == member.id)) is not None
        if not came_forward:
            raise ServiceError(_("Choose a member from the list."), field="answer_user")
    previous = practice.matched_practice
    practice.status = MATCHED
    practice.matched_practice = answer
    practice.matched_user = member
    practice.matched_at = utcnow()
    db.session.flush()
    for touched in {p for p in (previous, answer) if p is not None}:
        refresh_adopters(touched)
    events.emit("practice.matched", actor, practice,
                members=[getattr(answer, "author_id", None), getattr(member, "id", None)])
    return practice


# --- adopted by another organisation ------------------------------------------------------


def adoptions_of(practice: Practice) -> list[PracticeAdoption]:
    """The organisations that said they adopted the practice, first first; one query."""
    return list(db.session.scalars(
        select(PracticeAdoption).where(PracticeAdoption.practice_id == practice.id)
        .options(joinedload(PracticeAdoption.organisation))
        .order_by(PracticeAdoption.created_at, PracticeAdoption.id)))


def adoption_by_id(practice: Practice, adoption_id: int) -> PracticeAdoption | None:
    adoption = db.session.get(PracticeAdoption, adoption_id)
    return adoption if adoption is not None and adoption.practice_id == practice.id else None


def own_organisations(practice: Practice) -> set[int]:
    """The organisations on the offering side: the practice's and its author's."""
    author = practice.author
    return {practice.organisation_id, getattr(author, "organisation_id", None)} - {None}


def mark_adopted(actor, practice: Practice) -> PracticeAdoption | None:
    """The actor's organisation adopted this offer; None if it had said so already, or if the
    actor had marked it for any organisation (members choose their organisation themselves:
    changing it must not earn the points again)."""
    if practice.kind != OFFER:
        raise ServiceError(_("Only an offered practice can be adopted."))
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise ServiceError(_("Add your organisation to your profile first."))
    if organisation_id in own_organisations(practice) or actor.id == practice.author_id:
        raise ServiceError(_("This practice is your own organisation's."))
    if db.session.scalar(select(PracticeAdoption.id).where(
            PracticeAdoption.practice_id == practice.id,
            or_(PracticeAdoption.organisation_id == organisation_id,
                PracticeAdoption.user_id == actor.id)).limit(1)) is not None:
        return None
    adoption = PracticeAdoption(practice_id=practice.id, organisation_id=organisation_id,
                                user_id=actor.id, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(adoption)
    except IntegrityError:
        return None
    refresh_adopters(practice)
    events.emit("practice.matched", actor, practice, members=[practice.author_id])
    return adoption


def withdraw_adoption(actor, adoption: PracticeAdoption) -> None:
    """Taken back (a mistake, say): the points it gave both sides go with it."""
    practice = adoption.practice
    db.session.delete(adoption)
    db.session.flush()
    refresh_adopters(practice)


# --- adopters -----------------------------------------------------------------------------


def adopting_administrations(practice: Practice) -> set[int]:
    """The public administrations that adopted this practice or asked for it.

    - its own organisation, on a seek (it asks for it) or a story (it applied it);
    - the organisations of members who said "I'm interested" in an offer or a story;
    - the organisations of published practices marked matched naming this one (they took it
      up: a seek answered by this offer, say);
    - the organisations that marked an offer adopted.
    """
    found = set()
    own = practice.organisation
    if practice.kind in (SEEK, STORY) and own is not None and own.kind == PUBLIC_ADMINISTRATION:
        found.add(own.id)
    public = Organisation.kind == PUBLIC_ADMINISTRATION
    if practice.kind != SEEK:
        found.update(db.session.scalars(
            select(Organisation.id).join(User, User.organisation_id == Organisation.id)
            .join(PracticeInterest, PracticeInterest.user_id == User.id)
            .where(PracticeInterest.practice_id == practice.id, public)))
    found.update(db.session.scalars(
        select(Organisation.id).join(Practice, Practice.organisation_id == Organisation.id)
        .where(Practice.matched_practice_id == practice.id,
               Practice.visibility == visibility.PUBLISHED, public)))
    found.update(db.session.scalars(
        select(Organisation.id).join(PracticeAdoption,
                                     PracticeAdoption.organisation_id == Organisation.id)
        .where(PracticeAdoption.practice_id == practice.id, public)))
    return found


def refresh_adopters(practice: Practice) -> None:
    db.session.flush()
    practice.adopter_count = len(adopting_administrations(practice))
    db.session.flush()


# --- account export and erasure -----------------------------------------------------------


def practices_of(user) -> list[Practice]:
    return list(db.session.scalars(select(Practice).where(Practice.author_id == user.id)
                                   .order_by(Practice.id)))


@accounts.exporter
def export_practices(user) -> tuple[str, list]:
    """The practices a member wrote, for the account export."""
    return "practices", [
        {"id": p.id, "kind": p.kind, "title": p.title, "summary": p.summary, "body": p.body,
         "themes": p.theme_codes, "language": p.language, "status": p.status,
         "visibility": p.visibility, "created_at": p.created_at.isoformat()}
        for p in practices_of(user)]


@accounts.exporter
def export_interests(user) -> tuple[str, list]:
    """The interest a member expressed, with their messages."""
    query = (select(PracticeInterest).where(PracticeInterest.user_id == user.id)
             .order_by(PracticeInterest.id))
    return "practice_interests", [
        {"practice_id": i.practice_id, "message": i.message,
         "created_at": i.created_at.isoformat()} for i in db.session.scalars(query)]


@accounts.exporter
def export_adoptions(user) -> tuple[str, list]:
    """The adoptions a member marked for their organisation."""
    query = (select(PracticeAdoption).where(PracticeAdoption.user_id == user.id)
             .order_by(PracticeAdoption.id))
    return "practice_adoptions", [
        {"practice_id": a.practice_id, "organisation_id": a.organisation_id,
         "created_at": a.created_at.isoformat()} for a in db.session.scalars(query)]


@accounts.eraser
def erase_adoptions(user) -> None:
    """An adoption is the organisation's: it stays, without the name of who marked it."""
    db.session.execute(update(PracticeAdoption).where(PracticeAdoption.user_id == user.id)
                       .values(user_id=None))


@accounts.eraser
def erase_interests(user) -> None:
    """A former member's messages go; their practices stay, as contributions do."""
    interests = list(db.session.scalars(select(PracticeInterest)
                                        .where(PracticeInterest.user_id == user.id)))
    for interest in interests:
        practice = interest.practice
        db.session.delete(interest)
        db.session.flush()
        _move_interest_count(practice, -1)
        refresh_adopters(practice)


# --- attachment owners --------------------------------------------------------------------


def _practice_url(practice: Practice) -> str:
    return url_for("practices.show", practice_id=practice.id)


attachments.register_owner("practice", lambda pid: db.session.get(Practice, pid), can_see,
                           _practice_url)
