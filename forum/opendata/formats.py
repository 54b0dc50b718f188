"""CSV and JSON writers that stream a dataset row by row.

CSV: UTF-8 without a byte-order mark, a header row, RFC 4180 quoting and CRLF line ends; a
list becomes its items joined by ";" and a code stays a code. JSON: the same keys; a coded
value becomes {"code", "it", "en"} with both labels, so a portal needs no vocabulary of ours.
"""
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from flask_babel import force_locale

from forum.opendata.datasets import Dataset

LANGUAGES = ("it", "en")
Linker = Callable[[str, dict], str]


def _resolve(value, link: Linker):
    if isinstance(value, tuple):
        return link(*value)
    return value


class Labeller:
    """Each code's labels in both languages, worked out once per file."""

    def __init__(self, dataset: Dataset):
        self.vocabularies = {}
        for column in dataset.columns:
            if column.labels:
                labels = {}
                for language in LANGUAGES:
                    with force_locale(language):
                        for code, label in column.labels.items():
                            labels.setdefault(code, {"code": code})[language] = str(label)
                self.vocabularies[column.name] = labels

    def label(self, name: str, value):
        vocabulary = self.vocabularies.get(name)
        if vocabulary is None or value in (None, ""):
            return value
        if isinstance(value, list):
            return [vocabulary.get(code, {"code": code}) for code in value]
        return vocabulary.get(value, {"code": value})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def csv_lines(dataset: Dataset, rows: Iterable[dict], link: Linker) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = dataset.column_names

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(names)
    yield flush()
    for count, row in enumerate(rows, 1):
        writer.writerow([_cell(_resolve(row[name], link)) for name in names])
        if count % 100 == 0:
            yield flush()
    yield flush()


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_row(dataset: Dataset, labeller: Labeller, row: dict, link: Linker) -> dict:
    return {name: labeller.label(name, _resolve(row[name], link))
            for name in dataset.column_names}


def json_chunks(dataset: Dataset, rows: Iterable[dict], envelope: dict, labeller: Labeller,
                link: Linker) -> Iterator[str]:
    """`envelope` as a JSON object whose last member, "items", is streamed."""
    head = json.dumps(envelope, ensure_ascii=False, default=_json_default)
    yield head[:-1] + (', "items": [' if envelope else '"items": [')
    pending: list[str] = []
    separator = ""
    for row in rows:
        pending.append(json.dumps(json_row(dataset, labeller, row, link), ensure_ascii=False,
                                  default=_json_default))
        if len(pending) == 100:
            yield separator + ",\n".join(pending)
            pending, separator = [], ",\n"
    if pending:
        yield separator + ",\n".join(pending)
    yield "]}\n"
