"""A vote's delivery ledger (paper handed over to a unit, with a signature photo; append-only, a correction
supersedes an entry) and documents attached to a vote's announcement (their SHA-256, and the one they correct).

Revision ID: 0025_ledger
Revises: 0024_speed
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = "0025_ledger"
down_revision = "0024_speed"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assembly_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_assembly_files_supersedes_id_assembly_files"), "assembly_files",
                                    ["supersedes_id"], ["id"])
        batch_op.create_unique_constraint(batch_op.f("uq_assembly_files_supersedes_id"), ["supersedes_id"])
    op.create_table(
        "vote_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=True),
        sa.Column("handed_at", sa.DateTime(), nullable=True),
        sa.Column("photo_file_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["vote_id"], ["votes.id"], name=op.f("fk_vote_deliveries_vote_id_votes")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_vote_deliveries_unit_id_units")),
        sa.ForeignKeyConstraint(["photo_file_id"], ["assembly_files.id"],
                                name=op.f("fk_vote_deliveries_photo_file_id_assembly_files")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["vote_deliveries.id"],
                                name=op.f("fk_vote_deliveries_supersedes_id_vote_deliveries")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_vote_deliveries_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_deliveries")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_vote_deliveries_supersedes_id")),
    )
    with op.batch_alter_table("vote_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_deliveries_vote_id"), ["vote_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_deliveries_photo_file_id"), ["photo_file_id"], unique=False)


def downgrade():
    with op.batch_alter_table("vote_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_deliveries_photo_file_id"))
        batch_op.drop_index(batch_op.f("ix_vote_deliveries_vote_id"))
    op.drop_table("vote_deliveries")
    with op.batch_alter_table("assembly_files", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_assembly_files_supersedes_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_assembly_files_supersedes_id_assembly_files"), type_="foreignkey")
        batch_op.drop_column("supersedes_id")
        batch_op.drop_column("sha256")
