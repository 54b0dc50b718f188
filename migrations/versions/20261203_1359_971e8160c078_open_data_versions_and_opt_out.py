"""Open data: a version counter per dataset, and members' choice to be named in it.

Revision ID: 971e8160c078
Revises: 169d551becca
Create Date: 2026-12-03 13:59:39.368539
"""
import sqlalchemy as sa
from alembic import op

revision = "971e8160c078"
down_revision = "169d551becca"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opendata_versions",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_opendata_versions")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opendata_named", sa.Boolean(), server_default="1",
                                      nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("opendata_named")
    op.drop_table("opendata_versions")
