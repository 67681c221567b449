"""Thread pages kept between requests: a revision per thread that moves with every write to its posts, and the
"people" revision that moves with every change to what an author line shows.

Revision ID: 0026_pagecache
Revises: 0025_ledger
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = "0026_pagecache"
down_revision = "0025_ledger"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
    revisions = op.create_table(
        "revisions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_revisions")),
    )
    op.bulk_insert(revisions, [{"name": "people", "value": 0}])


def downgrade():
    op.drop_table("revisions")
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_column("revision")
