"""PostgreSQL full-text search: the search_documents and search_words tables (PostgreSQL only)

Revision ID: b5e0c7a41f2d
Revises: b7e2c41d9a03
Create Date: 2026-12-04

Only on PostgreSQL: SQLite has no tsvector, and there the Whoosh back-end keeps the index.
`unaccent` and `pg_trgm` are trusted extensions (PostgreSQL 13+): the database's owner may
create them. The text-search objects are written out here rather than imported from
forum/search/pg_schema.py, so that this revision stays what it was when later code changes.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'b5e0c7a41f2d'
down_revision = 'b7e2c41d9a03'
branch_labels = None
depends_on = None

SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
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


def _text(column):
    return f"replace(coalesce({column}, ''), '<', ' ')"


def _weighted(column, weight):
    return " || ".join(f"setweight(to_tsvector('{config}'::regconfig, {_text(column)}), "
                       f"'{weight}')" for config in ("forum_it", "forum_en"))


TSV = " || ".join([_weighted("CASE WHEN index_title THEN title END", "A"),
                   _weighted("summary", "B"), _weighted("body", "D")])


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for statement in SETUP:
        op.execute(statement)
    op.create_table(
        'search_documents',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('doc_type', sa.String(length=30), nullable=False),
        sa.Column('doc_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('index_title', sa.Boolean(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('cities', postgresql.ARRAY(sa.String(length=120)), nullable=False),
        sa.Column('themes', postgresql.ARRAY(sa.String(length=60)), nullable=False),
        sa.Column('parents', postgresql.ARRAY(sa.String(length=60)), nullable=False),
        sa.Column('network', sa.String(length=120), nullable=True),
        sa.Column('twinning', sa.String(length=120), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('date', sa.BigInteger(), nullable=False),
        sa.Column('visibility', sa.String(length=10), nullable=False),
        sa.Column('tsv', postgresql.TSVECTOR(), sa.Computed(TSV, persisted=True), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_search_documents')),
    )
    op.create_index('ix_search_documents_tsv', 'search_documents', ['tsv'],
                    postgresql_using='gin')
    op.create_index('ix_search_documents_parents', 'search_documents', ['parents'],
                    postgresql_using='gin')
    op.create_index('ix_search_documents_doc_type_doc_id', 'search_documents',
                    ['doc_type', 'doc_id'], unique=True)
    op.create_table(
        'search_words',
        sa.Column('word', sa.Text(), nullable=False),
        sa.Column('docs', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words')),
    )
    op.create_index('ix_search_words_trgm', 'search_words', ['word'], postgresql_using='gin',
                    postgresql_ops={'word': 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_search_words_trgm', table_name='search_words')
    op.drop_table('search_words')
    op.drop_table('search_documents')
    for name in ('forum_words', 'forum_en', 'forum_it'):
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS forum_it_stop")
