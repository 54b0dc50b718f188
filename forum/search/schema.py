"""The Whoosh schema: each text field twice (Italian and English analysis), plus facets."""
from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from forum.search.analysis import ENGLISH, ITALIAN, WORDS

# Field boosts for the query parser: a match in a title counts most, then the summary.
TEXT_FIELDS = {"title": 4.0, "summary": 2.0, "body": 1.0}
LANGUAGES = ("it", "en")
PARSED_FIELDS = {f"{name}_{lang}": boost for name, boost in TEXT_FIELDS.items()
                 for lang in LANGUAGES}

# What is stored for highlighting: enough text for fragments, not whole threads.
STORED_BODY_CHARS = 4000


def build_schema() -> Schema:
    fields = {
        "key": ID(stored=True, unique=True),
        "type": ID(stored=True),
        "parents": KEYWORD(commas=True),
        "title": STORED(),
        "summary": STORED(),
        "body": STORED(),
        "words": TEXT(analyzer=WORDS, phrase=False),
        "cities": KEYWORD(stored=True, commas=True),
        "network": ID(stored=True),
        "twinning": ID(stored=True),
        "themes": KEYWORD(stored=True, commas=True),
        "kind": ID(stored=True),
        "language": ID(stored=True),
        "author": ID(stored=True),
        "date": NUMERIC(int, bits=64, stored=True, sortable=True),
        "visibility": ID(stored=True),
        # Read per hit without unpickling stored fields: type, cities and themes for facets.
        "facets": COLUMN(columns.VarBytesColumn()),
    }
    for name in TEXT_FIELDS:
        fields[f"{name}_it"] = TEXT(analyzer=ITALIAN)
        fields[f"{name}_en"] = TEXT(analyzer=ENGLISH)
    return Schema(**fields)


def pack_facets(doc_type: str, cities: list[str], themes: list[str]) -> bytes:
    return f"{doc_type};{','.join(cities)};{','.join(themes)}".encode()


def unpack_facets(raw: bytes) -> tuple[str, list[str], list[str]]:
    doc_type, cities, themes = raw.decode().split(";")
    return doc_type, [c for c in cities.split(",") if c], [t for t in themes.split(",") if t]
