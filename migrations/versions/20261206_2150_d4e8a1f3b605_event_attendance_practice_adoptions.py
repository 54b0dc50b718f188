"""event_attendances, practice_adoptions, events.organiser_id

Revision ID: d4e8a1f3b605
Revises: e4f1a9c2b7d3
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

revision = 'd4e8a1f3b605'
down_revision = 'e4f1a9c2b7d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organiser_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_events_organiser_id_users'), 'users',
                                    ['organiser_id'], ['id'], ondelete='SET NULL')
    op.create_table(
        'event_attendances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_event_attendances_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_event_attendances_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'],
                                name=op.f('fk_event_attendances_confirmed_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_attendances')),
        sa.UniqueConstraint('event_id', 'user_id', name='uq_event_attendances'),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('event_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_attendances_user_id'), ['user_id'],
                              unique=False)
    op.create_table(
        'practice_adoptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('practice_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['practice_id'], ['practices.id'],
                                name=op.f('fk_practice_adoptions_practice_id_practices'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_practice_adoptions_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_practice_adoptions_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_adoptions')),
        sa.UniqueConstraint('practice_id', 'organisation_id', name='uq_practice_adoptions'),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('practice_adoptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_adoptions_organisation_id'),
                              ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_adoptions_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('practice_adoptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_adoptions_user_id'))
        batch_op.drop_index(batch_op.f('ix_practice_adoptions_organisation_id'))
    op.drop_table('practice_adoptions')
    with op.batch_alter_table('event_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_attendances_user_id'))
    op.drop_table('event_attendances')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_organiser_id_users'), type_='foreignkey')
        batch_op.drop_column('organiser_id')
