"""Loading practices from a JSON file, all or nothing, with each bad record named by line.

The format (also in `flask --app forum practices import --help` and the README):

    [
      {"kind": "offer", "title": "…", "summary": "…", "body": "Markdown …",
       "themes": ["governance", "open-data"], "city": "bergamo",
       "organisation": "Comune di Bergamo", "language": "it",
       "author": "elena.rota", "status": "open", "created_at": "2024-05-02"},
      …
    ]

Required: kind (offer, seek or story), title (at most 200 characters), language (it or en)
and author (the username of an existing member). Optional: summary (at most 300
characters), body (Markdown), themes (theme codes), city (slug or name of a city on the
site), organisation (exact name of an organisation on the site), status (open,
in-progress, matched or closed; open if missing), created_at (ISO 8601 date or date and
time; now if missing). Any other key is an error, so a misspelt field is not silently lost.
"""
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, or_, select

from forum.accounts.models import User
from forum.core.themes import THEMES
from forum.extensions import db
from forum.places.models import City, Organisation
from forum.practices import services
from forum.practices.models import KINDS, LANGUAGES, STATUSES, SUMMARY_MAX

REQUIRED = ("kind", "title", "language", "author")
OPTIONAL = ("summary", "body", "themes", "city", "organisation", "status", "created_at")


@dataclass
class Problem:
    line: int
    index: int  # 1-based position of the record in the file
    reason: str

    def __str__(self) -> str:
        return f"line {self.line} (record {self.index}): {self.reason}"


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written. `problems` says why, record by record."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_records(text: str) -> list[tuple[int, dict | object]]:
    """(line, value) for each element of the top-level JSON array.

    The standard decoder gives no positions, so the array is walked element by element with
    `raw_decode`, which tells where each one starts.
    """
    decoder = json.JSONDecoder()

    def line_at(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    pos = skip(0)
    if pos >= len(text) or text[pos] != "[":
        raise ImportRefused([Problem(line_at(pos), 0, "the file must hold a JSON array "
                                                      "of practices: [ {...}, {...} ]")])
    records = []
    pos = skip(pos + 1)
    if pos < len(text) and text[pos] == "]":
        return records
    while True:
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            raise ImportRefused([Problem(error.lineno, len(records) + 1,
                                         f"not valid JSON: {error.msg}")]) from None
        records.append((line_at(pos), value))
        pos = skip(end)
        if pos < len(text) and text[pos] == ",":
            pos = skip(pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            break
        raise ImportRefused([Problem(line_at(pos), len(records),
                                     "expected ',' or ']' after the record")])
    if skip(pos + 1) != len(text):
        raise ImportRefused([Problem(line_at(pos + 1), len(records),
                                     "unexpected text after the closing ']'")])
    return records


def _text(record: dict, key: str, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"'{key}' is missing")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value.strip()


def _created_at(value) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError("'created_at' must be a date such as 2024-05-02")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'created_at' is not an ISO 8601 date: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.date() > date.today():
        raise ValueError("'created_at' is in the future")
    return parsed.astimezone(UTC)


def _lookup(model, column_values, value, what: str):
    if not value:
        return None
    row = db.session.scalar(select(model).where(or_(*column_values)))
    if row is None:
        raise ValueError(f"there is no {what} {value!r} on the site")
    return row


def check_record(record) -> tuple[User, dict, datetime | None]:
    """The author and the service data for one record; ValueError says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a record must be a JSON object")
    unknown = sorted(set(record) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    kind = _text(record, "kind", required=True)
    if kind not in KINDS:
        raise ValueError(f"'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    title = _text(record, "title", required=True)
    if len(title) > 200:
        raise ValueError(f"'title' has {len(title)} characters; at most 200")
    summary = _text(record, "summary")
    if len(summary) > SUMMARY_MAX:
        raise ValueError(f"'summary' has {len(summary)} characters; at most {SUMMARY_MAX}")
    language = _text(record, "language", required=True)
    if language not in LANGUAGES:
        raise ValueError(f"'language' must be it or en, not {language!r}")
    status = _text(record, "status") or "open"
    if status not in STATUSES:
        raise ValueError(f"'status' must be one of {', '.join(STATUSES)}, not {status!r}")
    themes = record.get("themes") or []
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        raise ValueError("'themes' must be a list of theme codes")
    unknown_themes = [t for t in themes if t not in THEMES]
    if unknown_themes:
        raise ValueError(f"unknown theme(s): {', '.join(unknown_themes)} "
                         f"(known: {', '.join(THEMES)})")
    username = _text(record, "author", required=True)
    author = _lookup(User, [User.username_key == username.lower()], username, "member")
    if author.is_deleted:
        raise ValueError(f"the member {username!r} has left the site")
    city_name = _text(record, "city")
    city = _lookup(City, [City.slug == city_name.lower(),
                          func.lower(City.name) == city_name.lower()], city_name, "city")
    organisation_name = _text(record, "organisation")
    organisation = _lookup(Organisation, [Organisation.name == organisation_name],
                           organisation_name, "organisation")
    data = {"kind": kind, "title": title, "summary": summary, "body": _text(record, "body"),
            "themes": themes, "language": language, "status": status, "city": city,
            "organisation": organisation}
    return author, data, _created_at(record.get("created_at"))


def import_practices(text: str) -> list:
    """Create every practice of the file, or none: raises ImportRefused listing all problems.

    The caller commits; on ImportRefused it must roll back (the savepoints here already
    undid every row, so there is nothing half-written either way).
    """
    problems: list[Problem] = []
    created = []
    records = parse_records(text)
    if not records:
        raise ImportRefused([Problem(1, 0, "the file holds no practices")])
    # One savepoint around everything: raising inside it undoes every record at once.
    with db.session.begin_nested():
        for index, (line, record) in enumerate(records, start=1):
            try:
                author, data, created_at = check_record(record)
                with db.session.begin_nested():
                    created.append(services.create_practice(author, data,
                                                            created_at=created_at))
            except ValueError as error:
                problems.append(Problem(line, index, str(error)))
        if problems:
            raise ImportRefused(problems)
    return created
