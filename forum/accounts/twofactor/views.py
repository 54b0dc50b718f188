"""The pages of two-factor sign-in: the code at sign-in, re-authentication, settings, setup,
new recovery codes and turning it off; and the gate that sends staff to enrol first."""
from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from forum.accounts import language
from forum.accounts import services as accounts_services
from forum.accounts.models import User
from forum.accounts.twofactor.forms import ButtonForm, CodeForm, ReauthForm
from forum.accounts.twofactor.services import (
    disable,
    enable,
    is_enabled,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    qr_data_uri,
    remaining_codes,
    staff_must_enrol,
    verify,
)
from forum.accounts.twofactor.web import (
    PENDING_KEY,
    SECOND_FACTOR_KEY,
    SETUP_KEY,
    mark_authenticated,
    mark_second_factor,
    pending_user,
    recent_auth_required,
    renew_session,
)
from forum.core import limits
from forum.core.errors import ServiceError, render_error
from forum.core.security import safe_next
from forum.extensions import db

CHALLENGE_TRIES = 5


bp = Blueprint("twofactor", __name__)



@bp.route("/auth/login/code", methods=["GET", "POST"])
def challenge():
    user, pending = pending_user()
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if verify(user, form.code.data):
            return _finish_login(user, pending)
        pending["tries"] = pending.get("tries", 0) + 1
        session[PENDING_KEY] = pending
        if pending["tries"] >= CHALLENGE_TRIES:
            session.pop(PENDING_KEY, None)
            flash(_("Too many wrong codes. Please sign in again."), "danger")
            return redirect(url_for("accounts.login"))
        form.code.errors = [*form.code.errors, _("That code is not right.")]
    return render_template("accounts/twofactor_challenge.html", form=form)


def _finish_login(user: User, pending: dict):
    accounts_services.record_login(user)
    db.session.commit()
    session.pop(PENDING_KEY, None)
    login_user(user, remember=pending.get("remember", False))
    mark_authenticated()
    mark_second_factor()
    target = safe_next(pending.get("next"), url_for("home.index"))
    return limits.remember_device(language.after_sign_in(redirect(target), user), user.id)


@bp.route("/account/confirm-identity", methods=["GET", "POST"])
@login_required
def reauth():
    target = safe_next(request.args.get("next"), url_for("twofactor.settings"))
    form = ReauthForm()
    enabled = is_enabled(current_user)
    if form.validate_on_submit():
        if not accounts_services.verify_password(current_user, form.password.data):
            form.password.errors = [*form.password.errors, _("The password is not correct.")]
        elif enabled and not verify(current_user, form.code.data or ""):
            form.code.errors = [*form.code.errors, _("That code is not right.")]
        else:
            db.session.commit()
            mark_authenticated()
            if enabled:
                mark_second_factor()
            return redirect(target)
    return render_template("accounts/twofactor_reauth.html", form=form, enabled=enabled)


@bp.get("/account/two-factor")
@login_required
def settings():
    enabled = is_enabled(current_user)
    return render_template("accounts/twofactor.html", enabled=enabled, button=ButtonForm(),
                           remaining=remaining_codes(current_user) if enabled else 0,
                           required=current_user.is_staff)


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
@recent_auth_required
def setup():
    if is_enabled(current_user):
        return redirect(url_for(".settings"))
    # The secret waits in the (signed) session until a code proves the app has it.
    secret = session.get(SETUP_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[SETUP_KEY] = new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = enable(current_user, secret, form.code.data)
        except ServiceError as error:
            form.code.errors = [*form.code.errors, error.message]
        else:
            # Sessions opened by password alone must not carry on as if they had given a code.
            renew_session(current_user)
            mark_second_factor()
            session.pop(SETUP_KEY, None)
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("accounts/twofactor_codes.html", codes=codes)
    uri = provisioning_uri(current_user, secret)
    return render_template("accounts/twofactor_setup.html", form=form, qr=qr_data_uri(uri),
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


@bp.post("/account/two-factor/recovery-codes")
@login_required
@recent_auth_required
def regenerate():
    if not ButtonForm().validate_on_submit() or not is_enabled(current_user):
        return redirect(url_for(".settings"))
    codes = new_recovery_codes(current_user)
    renew_session(current_user)
    flash(_("New recovery codes: the old ones no longer work."), "success")
    return render_template("accounts/twofactor_codes.html", codes=codes)


@bp.post("/account/two-factor/disable")
@login_required
@recent_auth_required
def turn_off():
    if ButtonForm().validate_on_submit() and is_enabled(current_user):
        disable(current_user)
        renew_session(current_user)
        session.pop(SECOND_FACTOR_KEY, None)
        flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for(".settings"))


# Pages a staff member without two-factor sign-in may still reach in production.
ENROLMENT_ENDPOINTS = {"static", "accounts.logout", "twofactor.settings", "twofactor.setup",
                       "twofactor.reauth", "twofactor.challenge", "home.privacy",
                       "home.accessibility"}


@bp.app_errorhandler(403)
def _forbidden(error):
    """Staff refused only for want of the second factor in this session are asked for it."""
    if getattr(current_user, "staff_powers_withheld", False):
        flash(_("Enter a code from your app to use staff pages in this session."), "info")
        target = request.full_path if request.method == "GET" else request.path
        return redirect(url_for("twofactor.reauth", next=target.rstrip("?")))
    return render_error(error)


@bp.before_app_request
def _staff_enrolment_gate():
    if request.endpoint in ENROLMENT_ENDPOINTS or not staff_must_enrol(current_user):
        return None
    flash(_("Staff accounts must turn on two-factor sign-in before using the site."), "warning")
    return redirect(url_for("twofactor.settings"))
