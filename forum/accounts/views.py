"""Sign-up, sign-in, account settings, profiles and the members directory."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
