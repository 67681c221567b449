"""Live audiences: each socket's credential and the rooms it joined, so rights that change reach it.

Revision ID: 0010_policy
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_policy"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("chat_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credential", sa.String(length=80), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("rooms", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("chat_connections", schema=None) as batch_op:
        batch_op.drop_column("rooms")
        batch_op.drop_column("credential")
