"""Readable audit and notifications that open their object: each audit entry's kind (the family of its action,
for the filters) with keyset indexes by kind, person and time; each notification's object and what changed.

Revision ID: 0022_timeaudit
Revises: 0016_fund
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_timeaudit"
down_revision = "0019_search"
branch_labels = None
depends_on = None

# The families of the actions written before this revision, as community/audit/words.py groups them.
KIND_OF_PREFIX = {
    "registration": "accounts", "account": "accounts", "staff": "accounts", "committee": "accounts",
    "roster": "estate", "unit": "estate",
    "moderation": "moderation", "report": "moderation", "content": "moderation", "appeal": "moderation",
    "thread": "boards", "post": "boards", "chat": "chat", "desk": "chat", "rules": "rules",
    "notice": "desk", "ticket": "desk", "survey": "desk", "vote": "votes", "fees": "fees",
    "fund": "fund", "income": "fund", "disclosure": "fund", "fire": "fire",
}


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
    entries = sa.table("audit_entries", sa.column("action", sa.String), sa.column("kind", sa.String))
    for prefix, kind in KIND_OF_PREFIX.items():
        op.execute(entries.update().where(entries.c.action.like(f"{prefix}.%")).values(kind=kind))
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_actor_id")
        batch_op.create_index("ix_audit_entries_actor_seq", ["actor_id", "seq"], unique=False)
        batch_op.create_index("ix_audit_entries_kind_seq", ["kind", "seq"], unique=False)
        batch_op.create_index("ix_audit_entries_at_seq", ["at", "seq"], unique=False)
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.JSON(), nullable=True))
        batch_op.create_index("ix_notifications_user_id", ["user_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id")
        batch_op.drop_column("detail")
        batch_op.drop_column("target")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_at_seq")
        batch_op.drop_index("ix_audit_entries_kind_seq")
        batch_op.drop_index("ix_audit_entries_actor_seq")
        batch_op.create_index("ix_audit_entries_actor_id", ["actor_id"], unique=False)
        batch_op.drop_column("kind")
