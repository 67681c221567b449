"""The owners' assembly: rules of procedure, several items per vote (motions and elections), scope, notice and
objection windows, proxies, paper ballots confirmed by a second member, objections.

Revision ID: 0012_assembly
Revises: 0011_identity
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_assembly"
down_revision = "0011_identity"
branch_labels = None
depends_on = None

VOTE_COLUMNS = [
    ("multi", sa.Boolean(), False, sa.false()),
    ("notice_days", sa.Integer(), False, "15"),
    ("objection_days", sa.Integer(), False, "7"),
    ("proxy_max", sa.Integer(), False, "3"),
    ("paper_precedence", sa.String(length=8), False, "first"),
    ("scope", sa.Text(), True, None),
    ("announced_at", sa.DateTime(), True, None),
    ("opens_at", sa.DateTime(), True, None),
    ("reminded_at", sa.DateTime(), True, None),
    ("extended_at", sa.DateTime(), True, None),
    ("close_reason", sa.Text(), True, None),
    ("objection_until", sa.DateTime(), True, None),
    ("finalized_at", sa.DateTime(), True, None),
    ("finalized_by_id", sa.Integer(), True, None),
]


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    with op.batch_alter_table("votes") as batch:
        for name, type_, nullable, default in VOTE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=nullable, server_default=default))
        batch.create_foreign_key(batch.f("fk_votes_finalized_by_id_users"), "users", ["finalized_by_id"], ["id"])
    with op.batch_alter_table("vote_voters") as batch:
        batch.add_column(sa.Column("choices", sa.Text(), nullable=True))
        batch.add_column(sa.Column("by_proxy", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("vote_paper_ballots") as batch:
        batch.add_column(sa.Column("choices", sa.Text(), nullable=True))
        batch.add_column(sa.Column("serial", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(batch.f("fk_vote_paper_ballots_confirmed_by_id_users"), "users",
                                 ["confirmed_by_id"], ["id"])
        batch.create_unique_constraint("uq_vote_paper_ballots_vote_serial", ["vote_id", "serial"])

    op.create_table(
        "vote_procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("objection_days", sa.Integer(), nullable=False),
        sa.Column("proxy_max", sa.Integer(), nullable=False),
        sa.Column("paper_precedence", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        _fk("vote_procedure", "updated_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_procedure")))
    op.create_table(
        "vote_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("matter", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        _fk("vote_items", "vote_id", "votes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_items")),
        sa.UniqueConstraint("vote_id", "position", name="uq_vote_items_vote_position"))
    op.create_index(op.f("ix_vote_items_vote_id"), "vote_items", ["vote_id"])
    op.create_table(
        "vote_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("elected", sa.Boolean(), nullable=True),
        _fk("vote_candidates", "vote_id", "votes"),
        _fk("vote_candidates", "item_id", "vote_items"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_candidates")))
    op.create_index(op.f("ix_vote_candidates_vote_id"), "vote_candidates", ["vote_id"])
    op.create_index(op.f("ix_vote_candidates_item_id"), "vote_candidates", ["item_id"])
    op.create_table(
        "vote_item_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        *[sa.Column(f"{c}_{k}", sa.BigInteger() if k == "area_centi" else sa.Integer(), nullable=False)
          for c in ("yes", "no", "abstain") for k in ("persons", "area_centi")],
        _fk("vote_item_counts", "vote_id", "votes"),
        _fk("vote_item_counts", "item_id", "vote_items"),
        _fk("vote_item_counts", "candidate_id", "vote_candidates"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_item_counts")))
    op.create_index(op.f("ix_vote_item_counts_vote_id"), "vote_item_counts", ["vote_id"])
    op.create_table(
        "vote_proxies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("proxy_user_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        _fk("vote_proxies", "vote_id", "votes"),
        _fk("vote_proxies", "voter_id", "vote_voters"),
        _fk("vote_proxies", "proxy_user_id", "users"),
        _fk("vote_proxies", "recorded_by_id", "users"),
        _fk("vote_proxies", "revoked_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_proxies")))
    op.create_index(op.f("ix_vote_proxies_vote_id"), "vote_proxies", ["vote_id"])
    op.create_index(op.f("ix_vote_proxies_voter_id"), "vote_proxies", ["voter_id"])
    op.create_index(op.f("ix_vote_proxies_proxy_user_id"), "vote_proxies", ["proxy_user_id"])
    op.create_table(
        "vote_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        _fk("vote_objections", "vote_id", "votes"),
        _fk("vote_objections", "author_id", "users"),
        _fk("vote_objections", "answered_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_objections")))
    op.create_index(op.f("ix_vote_objections_vote_id"), "vote_objections", ["vote_id"])


def downgrade():
    for table in ("vote_objections", "vote_proxies", "vote_item_counts", "vote_candidates", "vote_items",
                  "vote_procedure"):
        op.drop_table(table)
    with op.batch_alter_table("vote_paper_ballots") as batch:
        batch.drop_constraint("uq_vote_paper_ballots_vote_serial", type_="unique")
        batch.drop_constraint(batch.f("fk_vote_paper_ballots_confirmed_by_id_users"), type_="foreignkey")
        for name in ("confirmed_at", "confirmed_by_id", "serial", "choices"):
            batch.drop_column(name)
    with op.batch_alter_table("vote_voters") as batch:
        batch.drop_column("by_proxy")
        batch.drop_column("choices")
    with op.batch_alter_table("votes") as batch:
        batch.drop_constraint(batch.f("fk_votes_finalized_by_id_users"), type_="foreignkey")
        for name, *_rest in reversed(VOTE_COLUMNS):
            batch.drop_column(name)
