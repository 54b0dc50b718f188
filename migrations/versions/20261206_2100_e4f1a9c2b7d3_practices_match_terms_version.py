"""practices.match_terms_version: the lexicon and analysis the matching terms were made with

Revision ID: e4f1a9c2b7d3
Revises: c3d9e5f1a204
Create Date: 2026-12-06

Existing rows get NULL (unknown), which `flask --app forum practices refresh-terms` (run by
`make run`) reads as out of date and re-analyses.
"""
from alembic import op
import sqlalchemy as sa

revision = 'e4f1a9c2b7d3'
down_revision = 'c3d9e5f1a204'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('match_terms_version', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_column('match_terms_version')
