"""`flask --app forum engagement rebuild|award --all`."""
import click
from flask.cli import AppGroup

from forum.engagement import services
from forum.extensions import db

engagement_cli = AppGroup("engagement", help="Points, badges and leaderboards.")


@engagement_cli.command("rebuild")
def rebuild():
    """Recompute every member's totals from the ledger alone."""
    result = services.rebuild()
    db.session.commit()
    click.echo(f"{result['members']} members' totals recomputed from the ledger; "
               f"{result['changed']} differed")


@engagement_cli.command("award")
@click.option("--all", "everyone", is_flag=True, required=True,
              help="run every badge rule for every member")
def award(everyone: bool):
    """Award the badges members have earned and do not hold yet (safe to run again)."""
    count = services.award_all()
    db.session.commit()
    click.echo(f"{count} badges awarded")


@engagement_cli.command("replay")
def replay():
    """Award the points that stored history earns and the ledger lacks (a site that had
    content before engagement, or data loaded in bulk); safe to run again."""
    from forum.engagement import history

    written = history.replay()
    db.session.commit()
    detail = ", ".join(f"{action} {count}" for action, count in sorted(written.items()))
    click.echo(f"{sum(written.values())} ledger rows written" + (f" ({detail})" if detail else ""))
