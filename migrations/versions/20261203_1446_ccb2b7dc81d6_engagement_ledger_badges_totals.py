"""Engagement: the points ledger, badges earned, members' totals and the leaderboard choice.

Revision ID: ccb2b7dc81d6
Revises: 971e8160c078
Create Date: 2026-12-03 14:46:43.775659

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ccb2b7dc81d6'
down_revision = '971e8160c078'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badge_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('badge', sa.String(length=30), nullable=False),
    sa.Column('awarded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_badge_awards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_awards')),
    sa.UniqueConstraint('user_id', 'badge', name='uq_badge_awards')
    )
    with op.batch_alter_table('badge_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_awards_badge'), ['badge'], unique=False)
        batch_op.create_index(batch_op.f('ix_badge_awards_user_id'), ['user_id'], unique=False)

    op.create_table('member_points',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), server_default='0', nullable=False),
    sa.Column('helping_points', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_points_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_member_points'))
    )
    op.create_table('points_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('object_kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('helping', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['points_ledger.id'], name=op.f('fk_points_ledger_reversal_of_id_points_ledger'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_points_ledger_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_ledger'))
    )
    with op.batch_alter_table('points_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_ledger_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_points_ledger_object', ['object_kind', 'object_id'], unique=False)
        batch_op.create_index('ix_points_ledger_user_action', ['user_id', 'action', 'created_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_leaderboard', sa.Boolean(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('on_leaderboard')

    with op.batch_alter_table('points_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_points_ledger_user_action')
        batch_op.drop_index('ix_points_ledger_object')
        batch_op.drop_index(batch_op.f('ix_points_ledger_created_at'))

    op.drop_table('points_ledger')
    op.drop_table('member_points')
    with op.batch_alter_table('badge_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_awards_user_id'))
        batch_op.drop_index(batch_op.f('ix_badge_awards_badge'))

    op.drop_table('badge_awards')
