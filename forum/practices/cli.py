"""`flask --app forum practices import FILE.json`: bring a network's practices in."""
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from forum.extensions import db

practices_cli = AppGroup("practices", help="Good practices (cerco/offro).")

IMPORT_HELP = """Load practices from FILE, a JSON array of records; all or nothing.

\b
Each record is an object:
  kind          required: offer, seek or story
  title         required: at most 200 characters
  language      required: it or en (the language of the text)
  author        required: username of an existing member
  summary       at most 300 characters
  body          Markdown: what, for whom, results, costs, lessons
  themes        list of theme codes: governance, open-data, digital-services,
                mobility, tourism-culture, commerce, energy-environment,
                social-inclusion, civic-participation, safety-emergency,
                training-skills
  city          slug or name of a city on the site, e.g. lecce
  organisation  exact name of an organisation on the site
  status        open (default), in-progress, matched or closed
  created_at    ISO 8601 date, e.g. 2024-05-02 (default: now)

\b
Example:
  [{"kind": "seek", "title": "Giochi per la partecipazione",
    "summary": "Cerchiamo un modello di social gaming.", "themes":
    ["civic-participation"], "city": "lecce", "language": "it",
    "author": "giulia.ferri"}]

If any record is wrong, nothing is imported and every bad record is listed with its line
and position in the file and the reason.
"""


@practices_cli.command("import", help=IMPORT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    from forum.practices.importer import ImportRefused, import_practices

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text.") from None
    # Service messages are translated; an operator's terminal gets English, like other commands.
    with force_locale("en"):
        try:
            created = import_practices(text)
        except ImportRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                click.echo(f"{file.name}: {problem}", err=True)
            raise click.ClickException(
                f"Nothing imported: {len(refused.problems)} problem(s) in {file.name}.") from None
    db.session.commit()
    click.echo(f"Imported {len(created)} practice(s) from {file.name}.")


@practices_cli.command("refresh-terms")
@click.option("--all", "everything", is_flag=True,
              help="Re-analyse every practice, not only those made with another lexicon.")
@click.option("--check", is_flag=True,
              help="Only say how many are out of date; exit 1 if any is.")
def refresh_terms_command(everything: bool, check: bool) -> None:
    """Re-analyse for matching the practices whose terms another lexicon or analysis made.

    Each practice keeps the version of the lexicon and analysers its terms were made with,
    so this reads only the practices a change left behind (none: one query). `make run`
    calls it; run it after deploying a new lexicon.
    """
    from forum.practices.matching import terms_version
    from forum.practices.services import refresh_match_terms, stale_terms_count

    if check:
        stale = stale_terms_count()
        click.echo(f"{stale} practice(s) with matching terms from another lexicon "
                   f"(current: {terms_version()}).")
        raise SystemExit(1 if stale else 0)
    read, changed = refresh_match_terms(everything)
    db.session.commit()
    click.echo(f"Re-analysed {read} practice(s); the matching terms of {changed} changed "
               f"(lexicon {terms_version()}).")
