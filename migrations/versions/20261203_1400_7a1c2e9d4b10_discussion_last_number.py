"""discussions.last_number: the post-number counter reserved by UPDATE … RETURNING

Revision ID: 7a1c2e9d4b10
Revises: d4a8dd1fe186
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


revision = '7a1c2e9d4b10'
down_revision = 'd4a8dd1fe186'
branch_labels = None
depends_on = None

discussions = sa.table('discussions', sa.column('id', sa.Integer),
                       sa.column('last_number', sa.Integer))
posts = sa.table('posts', sa.column('discussion_id', sa.Integer),
                 sa.column('number', sa.Integer))


def upgrade():
    with op.batch_alter_table('discussions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_number', sa.Integer(), server_default='0',
                                      nullable=False))
    # Existing threads continue from their highest number.
    highest = (sa.select(sa.func.coalesce(sa.func.max(posts.c.number), 0))
               .where(posts.c.discussion_id == discussions.c.id).scalar_subquery())
    op.execute(discussions.update().values(last_number=highest))


def downgrade():
    with op.batch_alter_table('discussions', schema=None) as batch_op:
        batch_op.drop_column('last_number')
