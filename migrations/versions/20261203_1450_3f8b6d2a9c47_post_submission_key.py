"""posts.submission_key: the idempotency key of the form that created a post

Revision ID: 3f8b6d2a9c47
Revises: 7a1c2e9d4b10
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


revision = '3f8b6d2a9c47'
down_revision = '7a1c2e9d4b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_posts_submission', ['author_id', 'submission_key'])


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_posts_submission', type_='unique')
        batch_op.drop_column('submission_key')
