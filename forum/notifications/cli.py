"""`flask --app forum notifications digest --daily|--weekly`."""
import click
from flask.cli import AppGroup

from forum.extensions import db
from forum.notifications import mail
from forum.notifications.models import DAILY, WEEKLY

notifications_cli = AppGroup("notifications", help="Notification digests.")


@notifications_cli.command("digest")
@click.option("--daily", "frequency", flag_value=DAILY, help="The daily digest.")
@click.option("--weekly", "frequency", flag_value=WEEKLY, help="The weekly digest.")
def digest(frequency: str | None) -> None:
    """Queue one digest e-mail per member with waiting notifications.

    Each member's notifications are claimed and their mail queued in one transaction, so a
    second run (or one on another machine at the same time) finds nothing left to send."""
    if frequency is None:
        raise click.UsageError("say --daily or --weekly")
    sent = 0
    for user_id in mail.digest_recipients(frequency):
        try:
            sent += mail.send_digest(user_id, frequency)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    click.echo(f"{frequency} digest: {sent} e-mail(s) queued")
