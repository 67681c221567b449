"""Index posts and chat messages by author and time: every post and message reads its writer's latest items
and counts those of the last minute and day, which otherwise reads everything the writer ever wrote.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("posts", "messages")


def upgrade():
    for table in TABLES:
        op.create_index(f"ix_{table}_author_created", table, ["author_id", "created_at"])
        op.drop_index(f"ix_{table}_author_id", table_name=table)


def downgrade():
    for table in TABLES:
        op.create_index(f"ix_{table}_author_id", table, ["author_id"])
        op.drop_index(f"ix_{table}_author_created", table_name=table)
