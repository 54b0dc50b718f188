"""Practice pages: the list, a practice with its matches, writing, interest and "matched"."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.attachments import services as attachments
from forum.attachments.web import accept_uploads
from forum.core import web
from forum.core.errors import BadFilter, ServiceError
from forum.core.themes import THEMES
from forum.extensions import db, login_manager
from forum.practices import permissions, services
from forum.practices.forms import InterestForm, MatchedForm, PracticeForm, parse_related
from forum.practices.models import KIND_DESCRIPTIONS, KINDS, LANGUAGES, OFFER, SEEK, STATUSES

bp = Blueprint("practices", __name__)
accept_uploads(bp, {"practices.create", "practices.edit"})

FILTERS = ("kind", "theme", "city", "status", "language")


# --- pages --------------------------------------------------------------------------------


@bp.get("/practices/")
def index():
    chosen = {key: request.args.get(key) or None for key in FILTERS}
    q = (request.args.get("q") or "").strip()[:300]
    try:
        filters = services.resolve_filters(**chosen)
    except BadFilter:
        abort(400)
    practices = web.within_pages(
        services.list_practices(current_user, web.page_arg(), q=q or None, **filters))
    return render_template("practices/index.html", practices=practices, chosen=chosen, q=q,
                           city_options=services.filter_options())


@bp.get("/practices/<int:practice_id>")
def show(practice_id: int):
    practice = services.practice_by_id(practice_id, current_user) or abort(404)
    return _page(practice)


def _page(practice, status: int = 200, **forms):
    """The practice page; a refused form comes back in `forms` with its messages."""
    suggestions = services.suggestions_for(practice)
    interest = services.interest_of(current_user, practice)
    forms.setdefault("interest_form", InterestForm(formdata=None))
    if "matched_form" not in forms and permissions.can_mark_matched(current_user, practice):
        forms["matched_form"] = _matched_form(practice, suggestions, formdata=None)
    return render_template(
        "practices/show.html", practice=practice, suggestions=suggestions, interest=interest,
        interests=(services.interests_in(practice)
                   if permissions.sees_contacts_of_interested(current_user, practice) else []),
        sees_author_contact=permissions.sees_author_contact(current_user, interest),
        related=services.related_practices(practice, current_user),
        files=attachments.attachments_of("practice", practice.id),
        adoptions=services.adoptions_of(practice) if practice.kind == OFFER else [],
        **{"matched_form": None, **forms}), status


# --- writing ------------------------------------------------------------------------------


def _practice_form(**kwargs) -> PracticeForm:
    form = PracticeForm(**kwargs)
    choices = services.form_choices(current_user)
    form.city.choices = [(0, _("— no city —")), *choices["cities"]]
    form.organisation.choices = [(0, _("— no organisation —")), *choices["organisations"]]
    form.twinning.choices = [(0, _("— no twinning —")), *choices["twinnings"]]
    return form


def _save(form, action, message: str):
    """Validate and run the service: a redirect to the saved practice, or None to show the
    form again."""
    if not form.validate_on_submit():
        return None
    return web.submit(form, action, message,
                      lambda practice: url_for(".show", practice_id=practice.id))


@bp.route("/practices/new", methods=["GET", "POST"])
def create():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.can_create_practice(current_user):
        abort(403)
    kind = request.args.get("kind")
    form = _practice_form(data={
        "kind": kind if kind in KINDS else None,
        "language": _current_language(),
        "city": current_user.city_id or 0, "organisation": current_user.organisation_id or 0})
    done = _save(form, lambda: services.create_practice(current_user, form.service_data(),
                                                        form.attachments.data),
                 _("Your practice is published."))
    return done or render_template("practices/form.html", form=form, practice=None, files=[],
                                   related_titles=_related_titles(form))


def _current_language() -> str:
    from forum.core.i18n import current_language

    language = current_language()
    return language if language in LANGUAGES else "it"


@bp.route("/practices/<int:practice_id>/edit", methods=["GET", "POST"])
def edit(practice_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    practice = services.practice_by_id(practice_id, current_user) or abort(404)
    if not permissions.can_edit_practice(current_user, practice):
        abort(403)
    form = _practice_form(data={
        "kind": practice.kind, "title": practice.title, "summary": practice.summary,
        "body": practice.body, "themes": practice.theme_codes, "language": practice.language,
        "status": practice.status, "city": practice.city_id or 0,
        "organisation": practice.organisation_id or 0, "twinning": practice.twinning_id or 0,
        "related": ", ".join(str(i) for i in services.related_ids(practice))})
    done = _save(form, lambda: services.update_practice(current_user, practice,
                                                        form.service_data(),
                                                        form.attachments.data),
                 _("The practice was saved."))
    return done or render_template("practices/form.html", form=form, practice=practice,
                           files=attachments.attachments_of("practice", practice.id),
                           related_titles=_related_titles(form))


def _related_titles(form) -> list[tuple[int, str]]:
    """The related practices the form names, with their titles (those the member may see),
    in the form's order: the picker's list of chosen practices."""
    try:
        ids = list(dict.fromkeys(parse_related(form.related.data)))
    except ValueError:
        return []
    titles = services.titles_of(ids, current_user)
    return [(i, titles[i]) for i in ids if i in titles]


# --- interest and matched -----------------------------------------------------------------


@bp.post("/practices/<int:practice_id>/interest")
def interest(practice_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    practice = services.practice_by_id(practice_id, current_user) or abort(404)
    if not permissions.can_express_interest(current_user, practice):
        abort(403)
    form = InterestForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.express_interest(current_user, practice, form.message.data),
            lambda interest: (_("You had already come forward for this practice."), "info")
            if interest is None else
            _("The author has been told by e-mail. You can now see each other's e-mail address "
              "and organisation on this page."),
            lambda _saved: url_for(".show", practice_id=practice.id))
        if done:
            return done
    return _page(practice, 200, interest_form=form)


def _matched_form(practice, suggestions, **kwargs) -> MatchedForm:
    options = services.match_options(practice, suggestions)
    form = MatchedForm(**kwargs)
    form.answer_practice.choices = [(0, _("— no practice —"))] + [
        (p.id, f"{p.kind_label}: {p.title}") for p in options["practices"]]
    form.answer_user.choices = [(0, _("— no member —"))] + [
        (m.id, m.display_name) for m in options["members"]]
    return form


@bp.post("/practices/<int:practice_id>/matched")
def matched(practice_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    practice = services.practice_by_id(practice_id, current_user) or abort(404)
    if not permissions.can_mark_matched(current_user, practice):
        abort(403)
    form = _matched_form(practice, services.suggestions_for(practice))
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.mark_matched(current_user, practice, form.answer_practice.data,
                                                form.answer_user.data),
            _("The practice is marked as matched."),
            lambda _saved: url_for(".show", practice_id=practice.id))
        if done:
            return done
    return _page(practice, 200, matched_form=form)


# --- adopted ------------------------------------------------------------------------------


def _adoption_change(practice_id: int, allowed, change, done):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    practice = services.practice_by_id(practice_id, current_user) or abort(404)
    target = allowed(practice)
    if not target:
        abort(403)
    try:
        message = done(change(practice, target))
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(*message)
    return redirect(url_for(".show", practice_id=practice.id, _anchor="adopted"))


@bp.post("/practices/<int:practice_id>/adopted")
def adopt(practice_id: int):
    return _adoption_change(
        practice_id, lambda practice: permissions.can_mark_adopted(
            current_user, practice, services.adoptions_of(practice)),
        lambda practice, _ok: services.mark_adopted(current_user, practice),
        lambda adoption: (_("You had already said your organisation adopted it."), "info")
        if adoption is None else
        (_("Marked as adopted by your organisation. Thank you for telling its author."),
         "success"))


@bp.post("/practices/<int:practice_id>/adoptions/<int:adoption_id>/withdraw")
def withdraw_adoption(practice_id: int, adoption_id: int):
    def allowed(practice):
        adoption = services.adoption_by_id(practice, adoption_id) or abort(404)
        return adoption if permissions.can_withdraw_adoption(current_user, adoption) else None

    return _adoption_change(
        practice_id, allowed,
        lambda _practice, adoption: services.withdraw_adoption(current_user, adoption),
        lambda _none: (_("The adoption was taken back."), "success"))


@bp.app_context_processor
def _template_helpers():
    return {"practice_kinds": KINDS, "practice_kind_descriptions": KIND_DESCRIPTIONS,
            "practice_statuses": STATUSES, "practice_languages": LANGUAGES,
            "practice_themes": THEMES,
            "seek_kind": SEEK}
