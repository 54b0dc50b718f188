"""`flask --app forum calls …`: the reminder run, meant for cron (hourly or daily)."""
from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from forum.extensions import db

calls_cli = AppGroup("calls", help="Calls for funding.")


@calls_cli.command("remind")
@click.option("--at", "at", default=None, metavar="ISO-DATETIME",
              help="Act as if it were this time (UTC unless an offset is given); for checks.")
def remind(at: str | None) -> None:
    """E-mail followers 7 days and 1 day before deadlines; safe to run as often as you like."""
    from forum.calls import services

    now = _parse_time(at) if at else None
    run = services.send_reminders(now=now)
    db.session.commit()
    click.echo(f"Reminders queued: {run.sent}; already sent before: {run.already}.")


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date and time.", param_hint="--at")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
