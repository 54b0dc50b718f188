"""`flask --app forum search reindex | sync [--loop] | check [--fix]`: operator commands."""
import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup

from forum.search import indexer, services

log = logging.getLogger("forum.search")

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Build a fresh index from the database and swap it in; the site keeps answering."""
    from forum.search.rebuild import total_rows

    with indexer.new_session() as session:
        total = total_rows(session)
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        written = services.reindex(progress=bar.update)
    if current_app.config["FORUM_SEARCH_BACKEND"] == "postgres":
        click.echo(f"Indexed {written} documents into PostgreSQL's search tables.")
        return
    store = indexer.store()
    click.echo(f"Indexed {written} documents into {store.root / store.current_name()}.")


@search_cli.command("sync")
@click.option("--loop", is_flag=True, help="Keep syncing until interrupted.")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(min=1),
              help="Seconds between rounds with --loop.")
def sync(loop: bool, interval: int) -> None:
    """Index what was committed but not indexed yet (the pending work); run it periodically."""
    while True:
        try:
            left = services.sync()
        except Exception as exc:  # noqa: BLE001 - the loop outlives an index or database outage
            if not loop:
                raise click.ClickException(f"The pending work could not be applied: {exc}")
            log.warning("search sync failed (%s); trying again in %d s", exc, interval)
        else:
            if left or not loop:
                click.echo(f"pending: {left}")
            if not loop:
                if left:
                    raise SystemExit(1)
                return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            click.echo("Stopped.")
            return


@search_cli.command("check")
@click.option("--fix", is_flag=True, help="Rewrite the documents that differ, apply pending work.")
def check(fix: bool) -> None:
    """Report documents missing from or extra in the index, compared with the database."""
    try:
        report = services.check(fix=fix)
    except services.SearchUnavailable as exc:
        raise click.ClickException(f"The index is unavailable ({exc.reason}); "
                                   "run `flask --app forum search reindex`.")
    for label, keys in (("missing", report.missing), ("extra", report.extra),
                        ("stale", report.stale)):
        click.echo(f"{label}: {len(keys)}" + (f"  {' '.join(keys[:20])}" if keys else ""))
    click.echo(f"pending: {report.pending}")
    if report.clean:
        click.echo("The index matches the database.")
    elif fix:
        after = services.check()
        click.echo("Fixed." if after.clean else "Some differences remain; run reindex.")
        if not after.clean:
            raise SystemExit(1)
    else:
        raise SystemExit(1)
