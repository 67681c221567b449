"""Identity: server-side web sessions, front-desk reset codes, unverified ownership, closed accounts.

Every existing session cookie is ended (session_version + 1): cookies minted from now on name a server-side
session that logging out can end.

Revision ID: 0011_identity
Revises: 0010_policy
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_identity"
down_revision = "0010_policy"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_web_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.UniqueConstraint("key", name="uq_web_sessions_key"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "reset_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_reset_codes_user_id_users"),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name="fk_reset_codes_issued_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_reset_codes"),
    )
    op.create_index("ix_reset_codes_user_id", "reset_codes", ["user_id"])
    op.create_index("ix_reset_codes_issued_by_id", "reset_codes", ["issued_by_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("purged_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("ownership", sa.String(16), nullable=True))
    op.execute("UPDATE users SET session_version = session_version + 1")


def downgrade():
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("ownership")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("purged_at")
        batch.drop_column("closed_at")
    op.drop_index("ix_reset_codes_issued_by_id", table_name="reset_codes")
    op.drop_index("ix_reset_codes_user_id", table_name="reset_codes")
    op.drop_table("reset_codes")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
