"""Command-line interface: `flask --app forum …` (DESIGN.md section 5).

The commands are the "views" of the command line: they parse options, call services, and
commit. Their output is for operators and stays in English, like Flask's own commands.
"""
import logging
import re
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from forum.config import ROOT
from forum.core.errors import ServiceError
from forum.core.urls import site_url
from forum.extensions import db
from forum.search import hooks as search_hooks

log = logging.getLogger("forum.cli")

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def register(app) -> None:
    for command in (outbox, users, seed_demo, translate):
        app.cli.add_command(command)
    from forum.search.cli import search_cli

    app.cli.add_command(search_cli)
    from forum.calls.cli import calls_cli

    app.cli.add_command(calls_cli)
    from forum.practices.cli import practices_cli

    app.cli.add_command(practices_cli)
    from forum.engagement.cli import engagement_cli

    app.cli.add_command(engagement_cli)
    from forum.notifications.cli import notifications_cli

    app.cli.add_command(notifications_cli)
    from forum.bench_data import bench_data

    app.cli.add_command(bench_data)


# --- outbox -------------------------------------------------------------------------------

outbox = AppGroup("outbox", help="The e-mail outbox.")


@outbox.command("send")
@click.option("--loop", is_flag=True, help="Keep delivering until interrupted.")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(min=1),
              help="Seconds between rounds with --loop.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1),
              help="Messages per round.")
def outbox_send(loop: bool, interval: int, limit: int) -> None:
    """Deliver the pending mail through SMTP (or log it when FORUM_MAIL_SERVER is unset)."""
    if not current_app.config.get("FORUM_MAIL_SERVER"):
        click.echo("FORUM_MAIL_SERVER is not set: pending mail is written to the log only.")
    try:
        while True:
            handled, failed = _send_round(limit, loop=loop)
            if not loop:
                # A message not delivered is a failure the caller (cron, a timer) must see.
                if failed:
                    raise SystemExit(1)
                return
            if handled < limit:  # a full round means more is waiting: no pause
                time.sleep(interval)
    except KeyboardInterrupt:
        db.session.rollback()
        click.echo("Stopped.")


def _send_round(limit: int, *, loop: bool) -> tuple[int, int]:
    """(messages handled, messages that failed) in one round."""
    from forum.notifications.services import deliver_pending

    try:
        # A commit per message: one message's outcome is kept whatever happens next.
        report = deliver_pending(limit=limit, after_each=db.session.commit)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if not loop:
            raise
        # A database restart must not end the sender: the next round tries again.
        log.exception("Outbox round failed; trying again in the next round")
        return 0, 0
    handled = report.sent + report.failed + report.logged
    if handled or not loop:
        click.echo(f"Sent {report.sent}, failed {report.failed}, logged {report.logged}.")
    return handled, report.failed


# --- users --------------------------------------------------------------------------------

users = AppGroup("users", help="Members' accounts.")


@users.command("create")
@click.argument("username")
@click.option("--email", required=True, help="The member's e-mail address.")
@click.option("--role", type=click.Choice(["admin", "staff", "member"]), default="member",
              show_default=True)
@click.option("--full-name", default=None, help="Name shown on the profile.")
def users_create(username: str, email: str, role: str, full_name: str | None) -> None:
    """Create a confirmed account; the password is asked for, or read from stdin."""
    from forum.accounts import services as accounts

    # The accounts rules speak the active language; an operator's terminal gets English.
    with force_locale("en"):
        if not accounts.USERNAME_PATTERN.fullmatch(username):
            raise click.ClickException("A username has 3 to 30 letters, digits, '_', '.' or '-'.")
        if not EMAIL.fullmatch(accounts.normalise_email(email)):
            raise click.ClickException(f"{email!r} is not an e-mail address.")
        # Checked before asking for the password, so nobody types it for nothing.
        if _username_taken(username):
            raise click.ClickException("That username is already in use.")
        if accounts.email_taken(email):
            raise click.ClickException("That e-mail address is already in use.")
        password = _read_password()
        problem = accounts.password_problem(password)
        if problem:
            raise click.ClickException(f"The password is refused: {problem}")
        profile = {"full_name": full_name} if full_name else {}
        try:
            user = accounts.create_user(username, email, password, role=role, confirmed=True,
                                        **profile)
        except ServiceError as exc:
            raise click.ClickException(exc.message)
    db.session.commit()
    click.echo(f"Created {role} {user.username} <{user.email}>.")


def _username_taken(username: str) -> bool:
    from forum.accounts.models import User

    query = select(User.id).where(User.username_key == username.lower())
    return db.session.scalar(query) is not None


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


# --- demo data ----------------------------------------------------------------------------


@click.command("seed-demo")
@with_appcontext
@click.option("--yes-i-know", is_flag=True,
              help="In production, create the demo accounts despite their published password.")
def seed_demo(yes_i_know: bool) -> None:
    """Load the demo cities, organisations and members (safe to run again)."""
    from forum import seed
    from forum.seed import accounts

    production = current_app.config.get("FORUM_ENV") == "production"
    if production and not yes_i_know:
        raise click.ClickException(
            "seed-demo creates accounts with a published password; in production add "
            "--yes-i-know if that is really what you want.")
    # Text that services write through gettext (titles, notices) is in the site's language.
    # The index is brought up to date once, after the commit, rather than on every flush.
    db.session.info[search_hooks.DEFER_KEY] = True
    try:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            run = seed.run()
        db.session.commit()
    finally:
        db.session.info.pop(search_hooks.DEFER_KEY, None)
    for kind in run.created:
        click.echo(f"{kind}: {run.created[kind]} created, {run.existing[kind]} already there")
    click.echo(_index_after_seeding())
    if not production:
        click.echo(f"\nSign in at {site_url('accounts.login')} with the password "
                   f"{accounts.DEMO_PASSWORD!r} as:")
        click.echo(f"  member: {accounts.DEMO_MEMBER}")
        click.echo(f"  staff:  {accounts.DEMO_STAFF}")
        click.echo(f"  admin:  {accounts.DEMO_ADMIN}")


def _index_after_seeding() -> str:
    """Build the index when there is none (a first run), else apply what the seed changed."""
    from forum.search import services

    healthy, _reason = services.health()
    if not healthy:
        return f"search index: built, {services.reindex()} documents"
    left = services.sync()
    return "search index: up to date" if not left else f"search index: {left} changes pending"


# --- translations -------------------------------------------------------------------------

translate = AppGroup("translate", help="Message catalogs (pybabel).")

TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    status = CommandLineInterface().run(["pybabel", *args])
    if status:
        raise click.ClickException(f"pybabel {args[0]} failed.")


@translate.command("extract")
def translate_extract() -> None:
    """Extract the marked strings into translations/messages.pot."""
    # No locations and sorted entries: a new string changes one entry, not half the file.
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
             "--add-comments", "i18n:", "--no-location", "--sort-output",
             "--project", "Gemellaggi", "-o", str(TEMPLATE), str(ROOT))


@translate.command("update")
def translate_update() -> None:
    """Extract, then merge the template into every language's messages.po."""
    translate_extract.callback()
    # Fuzzy guesses would fail the catalog check anyway: new strings come in empty.
    _pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "--no-location",
             "--no-fuzzy-matching", "--ignore-obsolete")


@translate.command("compile")
def translate_compile() -> None:
    """Build the .mo files the site reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
