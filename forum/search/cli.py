"""`flask --app forum search reindex | check [--fix]`: operator commands, in English."""
import click
from flask.cli import AppGroup

from forum.search import indexer, services

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Build a fresh index from the database and swap it in; the site keeps answering."""
    from forum.search.rebuild import total_rows

    with indexer.new_session() as session:
        total = total_rows(session)
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        written = services.reindex(progress=bar.update)
    store = indexer.store()
    click.echo(f"Indexed {written} documents into {store.root / store.current_name()}.")


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
