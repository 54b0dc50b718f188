"""The language a member reads the site in, across signing in.

A visitor who picked a language before signing in keeps reading in it (the cookie wins over
the profile, as in select_locale); when it differs from the profile's, the site offers once
to save it there. With no choice made, signing in switches to the profile's language.
"""
from flask import request, session
from flask_login import current_user

from forum.core.i18n import LANG_COOKIE, set_language_cookie, supported
from forum.extensions import db

OFFER_KEY = "language_offer"


def after_sign_in(response, user):
    """The sign-in redirect, with the language it should carry on in."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in supported() and chosen != user.preferred_language:
        session[OFFER_KEY] = chosen
        return response
    session.pop(OFFER_KEY, None)
    return set_language_cookie(response, user.preferred_language)


def offered() -> str | None:
    """The language to offer saving to the signed-in member's profile, if any."""
    language = session.get(OFFER_KEY)
    if not language or not current_user.is_authenticated:
        return None
    if language == current_user.preferred_language or language not in supported():
        return None
    return language


def answer_offer(user, save: bool) -> str | None:
    """Save the offered language to the profile (or decline); the language saved, if any."""
    language = session.pop(OFFER_KEY, None)
    if not save or language not in supported():
        return None
    user.preferred_language = language
    db.session.flush()
    return language
