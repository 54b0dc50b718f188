"""network_participants: members who joined a network

Revision ID: c3d9e5f1a204
Revises: b5e0c7a41f2d
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa

revision = 'c3d9e5f1a204'
down_revision = 'b5e0c7a41f2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'network_participants',
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'],
                                name=op.f('fk_network_participants_network_id_networks'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_network_participants_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('network_id', 'user_id', name=op.f('pk_network_participants')),
    )
    with op.batch_alter_table('network_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_participants_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('network_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_participants_user_id'))
    op.drop_table('network_participants')
