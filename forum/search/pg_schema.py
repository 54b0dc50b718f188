"""The PostgreSQL search tables: Core tables of their own, outside the models' metadata.

They exist only on PostgreSQL (the migration 20261204_1930 creates them there and nowhere
else), so they are not models: `db.create_all()` on SQLite must not try to build a generated
tsvector column. `create(connection)` builds the same objects for tests and benchmarks that
start from `create_all()`; the migrations test compares the migration's result with `metadata`.

One `tsv` column holds every text twice, read by the Italian and by the English
configuration (each with `unaccent` before its Snowball stemmer), weighted A (title),
B (summary) and D (body). A query word is the OR of its two readings, so each word may match
in either language, as in the Whoosh schema's `*_it`/`*_en` field pairs.
"""
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

from forum.extensions import db

# The models' naming convention, so constraint names match what Alembic writes for them.
metadata = MetaData(naming_convention=db.metadata.naming_convention)

# '<' never starts a tag in our plain text: the default parser would drop "<img ...>" words.
_TEXT = "replace(coalesce({}, ''), '<', ' ')"


def _weighted(column: str, weight: str) -> str:
    return " || ".join(f"setweight(to_tsvector('{config}'::regconfig, {_TEXT.format(column)}), "
                       f"'{weight}')" for config in ("forum_it", "forum_en"))


TSV_EXPRESSION = " || ".join([
    _weighted("CASE WHEN index_title THEN title END", "A"),
    _weighted("summary", "B"),
    _weighted("body", "D"),
])

documents = Table(
    "search_documents", metadata,
    Column("key", String(60), primary_key=True),
    Column("doc_type", String(30), nullable=False),
    Column("doc_id", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("index_title", Boolean, nullable=False),
    Column("summary", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("cities", ARRAY(String(120)), nullable=False),
    Column("themes", ARRAY(String(60)), nullable=False),
    Column("parents", ARRAY(String(60)), nullable=False),
    Column("network", String(120)),
    Column("twinning", String(120)),
    Column("kind", String(30)),
    Column("language", String(2), nullable=False),
    Column("author_id", Integer),
    Column("date", BigInteger, nullable=False),
    Column("visibility", String(10), nullable=False),
    Column("tsv", TSVECTOR, Computed(TSV_EXPRESSION, persisted=True)),
    Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
    Index("ix_search_documents_parents", "parents", postgresql_using="gin"),
    Index("ix_search_documents_doc_type_doc_id", "doc_type", "doc_id", unique=True),
)

# The vocabulary "did you mean" suggests from: whole words, lower-case, accents folded.
words = Table(
    "search_words", metadata,
    Column("word", Text, primary_key=True),
    Column("docs", Integer, nullable=False, server_default=text("1")),
    Index("ix_search_words_trgm", "word", postgresql_using="gin",
          postgresql_ops={"word": "gin_trgm_ops"}),
)

# Extensions and text-search configurations, before the tables (the column reads them).
SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Italian stop words are dropped while they still carry their accents (è, più, perché),
    # then the word is folded, then stemmed: `citta` and `città` stem alike.
    "CREATE TEXT SEARCH DICTIONARY forum_it_stop "
    "(TEMPLATE = pg_catalog.simple, STOPWORDS = italian, ACCEPT = false)",
    "CREATE TEXT SEARCH CONFIGURATION forum_it (COPY = pg_catalog.italian)",
    "ALTER TEXT SEARCH CONFIGURATION forum_it ALTER MAPPING FOR asciiword, asciihword, "
    "hword_asciipart, word, hword, hword_part WITH forum_it_stop, unaccent, italian_stem",
    "CREATE TEXT SEARCH CONFIGURATION forum_en (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION forum_en ALTER MAPPING FOR word, hword, hword_part "
    "WITH unaccent, english_stem",
    "CREATE TEXT SEARCH CONFIGURATION forum_words (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION forum_words ALTER MAPPING FOR word, hword, hword_part "
    "WITH unaccent, simple",
]

TEARDOWN = [
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS forum_words",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS forum_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS forum_it",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS forum_it_stop",
]


def create(connection) -> None:
    """Build the extensions, configurations and tables on a PostgreSQL connection."""
    if connection.dialect.name != "postgresql":
        return
    for statement in SETUP:
        connection.exec_driver_sql(statement)
    metadata.create_all(connection)


def drop(connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    metadata.drop_all(connection)
    for statement in TEARDOWN:
        connection.exec_driver_sql(statement)
