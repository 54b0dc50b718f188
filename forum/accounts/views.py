"""Sign-up, sign-in, account settings, profiles and the members directory."""
import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from forum.accounts import forms, language, permissions, services
from forum.accounts.models import ROLES, User
from forum.accounts.services import InvalidToken
from forum.accounts.sessions import relogin
from forum.accounts.twofactor import services as twofactor_services
from forum.accounts.twofactor import web as twofactor
from forum.core import limits, web
from forum.core.db import writes_on_get
from forum.core.errors import ServiceError
from forum.core.i18n import current_language, format_day, set_language_cookie
from forum.core.security import safe_next
from forum.core.templating import LANGUAGE_NAMES
from forum.extensions import db
from forum.places.models import ORGANISATION_KINDS

bp = Blueprint("accounts", __name__)

INVALID_LINK = _l("This link is not valid: it may have expired or have been used already.")



def _signed_in_again(url: str) -> str:
    """After the commit: keep this browser signed in (relogin), then go to `url`."""
    relogin(current_user)
    return url


def _signed_out(url: str) -> str:
    """After the commit: sign this browser out, then go to `url`."""
    logout_user()
    return url


def _profile_form(form_class, **kwargs):
    form = form_class(**kwargs)
    form.set_choices(services.organisation_choices(), services.city_choices())
    return form


# --- sign-up and sign-in ---------------------------------------------------------------------


@bp.route("/auth/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = _profile_form(forms.RegisterForm)
    if form.validate_on_submit():
        # A filled honeypot gets the same answer as a person, and no account.
        register = (lambda: None) if form.website.data else lambda: services.register_member(
            form.data, language=current_language())
        done = web.submit(
            form, register,
            _("Thank you for registering. We have sent a link to %(email)s: open it to confirm "
              "your address, then sign in.", email=services.normalise_email(form.email.data)),
            url_for("accounts.login"))
        if done:
            return done
    elif form.is_submitted():
        # The service's rules too (a taken username, a common password): every error at once.
        web.more_errors(form, services.registration_problems(
            form.username.data, form.password.data, organisation_id=form.organisation_id.data,
            new_organisation=form.new_organisation.data,
            organisation_kind=form.organisation_kind.data, city_id=form.city_id.data))
    return render_template("accounts/register.html", form=form)


@bp.get("/auth/confirm/<token>")
@writes_on_get
def confirm(token):
    try:
        services.confirm_email(token)
    except InvalidToken:
        flash(str(INVALID_LINK), "danger")
        return redirect(url_for("accounts.login"))
    db.session.commit()
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    return redirect(url_for("home.index" if current_user.is_authenticated else "accounts.login"))


@bp.post("/account/confirm")
@login_required
def resend_confirmation():
    if current_user.is_confirmed:
        flash(_("Your e-mail address is already confirmed."), "info")
    else:
        services.send_confirmation(current_user)
        db.session.commit()
        flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email),
              "success")
    return redirect(url_for("accounts.edit_profile"))


@bp.route("/auth/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next"), url_for("home.index"))
    if current_user.is_authenticated:
        return redirect(target)
    form = forms.LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            error = _("The username, e-mail address or password is not correct.")
        elif user.is_suspended:
            error = _suspension_message(user)
        elif twofactor_services.is_enabled(user):
            return twofactor.start_challenge(user, form.remember.data, target)
        else:
            services.record_login(user)
            db.session.commit()
            session.pop(twofactor.SECOND_FACTOR_KEY, None)
            login_user(user, remember=form.remember.data)
            twofactor.mark_authenticated()
            # This browser is now known to be the owner's: no account delay for it later.
            return limits.remember_device(language.after_sign_in(redirect(target), user),
                                          user.id)
    return render_template("accounts/login.html", form=form, error=error)


@bp.post("/account/language")
@login_required
def language_offer():
    """The answer to the offer to keep, in the profile, the language chosen before sign-in."""
    if forms.ButtonForm().validate_on_submit():
        saved = language.answer_offer(current_user, save=request.form.get("answer") == "save")
        db.session.commit()
        if saved:
            flash(_("Saved: the site and your e-mails will use %(language)s.",
                    language=LANGUAGE_NAMES[saved]), "success")
    return redirect(safe_next(request.form.get("next"), url_for("home.index")))


@bp.record_once
def _register_template_helpers(state) -> None:
    state.app.jinja_env.globals.update(language_offer=language.offered)


def _suspension_message(user: User) -> str:
    # Indefinite suspensions are stored as a date no one reaches (forum.moderation.services).
    if user.suspended_until.year >= 9999:
        return _("Your account is suspended indefinitely.")
    return _("Your account is suspended until %(day)s.", day=format_day(user.suspended_until))


@bp.post("/auth/logout")
def logout():
    # Signing out ends the member's sessions, so a copied session or remember-me cookie
    # stops working too (cookies are signed, not stored: the version is what can be revoked).
    if current_user.is_authenticated:
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/auth/reset", methods=["GET", "POST"])
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, current_language())
        db.session.commit()
        flash(_("If an account uses that address, we have sent it a link to choose a new "
                "password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        services.user_for_reset(token)
    except InvalidToken:
        flash(str(INVALID_LINK), "danger")
        return redirect(url_for("accounts.reset_request"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        done = web.submit(form, lambda: services.reset_password(token, form.password.data),
                          _("Your password has been changed. You can now sign in."),
                          lambda _saved: _signed_out(url_for("accounts.login")))
        if done:
            return done
    return render_template("accounts/reset_password.html", form=form)


# --- account settings ------------------------------------------------------------------------


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = _profile_form(forms.ProfileForm, obj=current_user)
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.update_profile(current_user, form.data),
            _("Your profile has been saved."),
            lambda _saved: set_language_cookie(
                redirect(url_for("accounts.member", username=current_user.username)),
                current_user.preferred_language))
        if done:
            return done
    return render_template("accounts/edit_profile.html", form=form,
                           button=forms.ButtonForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@twofactor.recent_auth_required
def change_password():
    form = forms.PasswordForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.change_password(current_user, form.current_password.data,
                                                   form.new_password.data),
            _("Your password has been changed; your other sessions have been signed out."),
            lambda _saved: _signed_in_again(url_for("accounts.change_password")))
        if done:
            return done
    return render_template("accounts/password.html", form=form, button=forms.ButtonForm())


@bp.post("/account/sessions")
@login_required
def sign_out_everywhere():
    services.end_sessions(current_user)
    db.session.commit()
    relogin(current_user)
    flash(_("You have been signed out on every other device."), "success")
    return redirect(url_for("accounts.change_password"))


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@twofactor.recent_auth_required
def change_email():
    form = forms.EmailForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.request_email_change(current_user, form.email.data,
                                                        form.password.data),
            lambda _saved: _("We have sent a link to %(email)s. Your address changes when you "
                             "open it.", email=current_user.pending_email),
            lambda _saved: url_for("accounts.edit_profile"))
        if done:
            return done
    return render_template("accounts/email.html", form=form)


@bp.get("/account/email/<token>")
@writes_on_get
def confirm_email(token):
    # Read before the change ends this member's sessions, this one included.
    signed_in_id = current_user.id if current_user.is_authenticated else None
    try:
        user = services.confirm_email_change(token)
    except InvalidToken:
        flash(str(INVALID_LINK), "danger")
        return redirect(url_for("home.index"))
    except ServiceError as error:
        flash(error.message, "danger")
        return redirect(url_for("home.index"))
    db.session.commit()
    if signed_in_id == user.id:
        relogin(user)
    flash(_("Your e-mail address is now %(email)s.", email=user.email), "success")
    return redirect(url_for("home.index"))


@bp.get("/account/export")
@login_required
def export():
    data = services.export_data(current_user)
    response = Response(json.dumps(data, ensure_ascii=False, indent=2),
                        mimetype="application/json")
    filename = f"gemellaggi-{current_user.username}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = forms.DeleteForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.delete_account(current_user, form.password.data),
            (_("Your account has been deleted. Thank you for taking part."), "info"),
            lambda _saved: _signed_out(url_for("home.index")))
        if done:
            return done
    return render_template("accounts/delete.html", form=form)


# --- profiles and directory ------------------------------------------------------------------


@bp.get("/members/")
def members():
    kind = request.args.get("kind") or None
    if kind is not None and kind not in ORGANISATION_KINDS:
        abort(400)
    city_slug = request.args.get("city") or None
    city = services.find_city(city_slug) if city_slug else None
    if city_slug and city is None:
        abort(400)
    q = request.args.get("q", "")[:100]
    pagination = web.within_pages(services.directory(
        q=q, city=city, kind=kind, page=web.page_arg(),
        per_page=current_app.config["FORUM_MEMBERS_PER_PAGE"]))
    return render_template("accounts/members.html", pagination=pagination, q=q, city=city,
                           kind=kind, kinds=ORGANISATION_KINDS, cities=services.city_choices())


@bp.get("/members/<username>")
def member(username):
    user = services.find_by_username(username)
    if user is None:
        abort(404)
    details = permissions.can_view_profile_details(current_user, user)
    return render_template("accounts/member.html", member=user, details=details,
                           activity=services.profile_content(user, current_user) if details
                           else {})


@bp.get("/members/<username>/avatar")
def avatar(username):
    user = services.find_by_username(username)
    if user is None or not permissions.can_view_avatar(current_user, user):
        abort(404)
    path = services.avatar_path(user)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)


# --- roles -----------------------------------------------------------------------------------


@bp.get("/admin/members")
@login_required
def roles():
    if not permissions.can_manage_roles(current_user):
        abort(403)
    pagination = services.members_by_name(web.page_arg(), 50)
    return render_template("accounts/roles.html", pagination=pagination, roles=ROLES,
                           changes=services.recent_role_changes())


@bp.post("/admin/members/<int:user_id>/role")
@login_required
def change_role(user_id):
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    if not permissions.can_change_role(current_user, user):
        abort(403)
    form = forms.RoleForm()
    if not form.validate():
        abort(400)
    try:
        change = services.change_role(current_user, user, form.role.data)
    except ServiceError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        if change is not None:
            flash(_("%(name)s is now: %(role)s.", name=user.display_name,
                    role=ROLES[change.new_role]), "success")
    return redirect(url_for("accounts.roles"))
