"""users.previous_login_at: the sign-in before the latest, for "new since your last visit"

Revision ID: b7e2c41d9a03
Revises: 3f8b6d2a9c47
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa

revision = 'b7e2c41d9a03'
down_revision = '3f8b6d2a9c47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_login_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('previous_login_at')
