"""Property fees: fee items, bills per unit and period, payments with their allocations, adjustments,
reminders with proof of delivery, disputes, owners' transfer claims.

Revision ID: 0014_fees
Revises: 0012_assembly
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_fees"
down_revision = "0012_assembly"
branch_labels = None
depends_on = None


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    op.create_table(
        "fee_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.String(length=8), nullable=False),
        sa.Column("rate_fen", sa.Integer(), nullable=False),
        sa.Column("starts", sa.String(length=7), nullable=False),
        sa.Column("ends", sa.String(length=7), nullable=True),
        sa.Column("buildings", sa.JSON(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("fee_items", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_items")),
    )
    op.create_table(
        "fee_bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("fee_item_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=120), nullable=False),
        sa.Column("quantity_centi", sa.Integer(), nullable=False),
        sa.Column("rate_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("fee_bills", "unit_id", "units"),
        _fk("fee_bills", "fee_item_id", "fee_items"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_bills")),
        sa.UniqueConstraint("unit_id", "period", "source", name="uq_fee_bills_unit_period_source"),
    )
    op.create_index("ix_fee_bills_period", "fee_bills", ["period"])
    op.create_index(op.f("ix_fee_bills_unit_id"), "fee_bills", ["unit_id"])
    op.create_table(
        "fee_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("receipt_no", sa.String(length=24), nullable=True),
        sa.Column("payer", sa.String(length=64), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        _fk("fee_payments", "unit_id", "units"),
        _fk("fee_payments", "reverses_id", "fee_payments"),
        _fk("fee_payments", "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_payments")),
        sa.UniqueConstraint("receipt_no", name=op.f("uq_fee_payments_receipt_no")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_fee_payments_reverses_id")),
    )
    op.create_index(op.f("ix_fee_payments_unit_id"), "fee_payments", ["unit_id"])
    op.create_table(
        "fee_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("fee_allocations", "payment_id", "fee_payments"),
        _fk("fee_allocations", "bill_id", "fee_bills"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_allocations")),
    )
    op.create_index(op.f("ix_fee_allocations_payment_id"), "fee_allocations", ["payment_id"])
    op.create_index(op.f("ix_fee_allocations_bill_id"), "fee_allocations", ["bill_id"])
    op.create_table(
        "fee_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("fee_adjustments", "bill_id", "fee_bills"),
        _fk("fee_adjustments", "reverses_id", "fee_adjustments"),
        _fk("fee_adjustments", "by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_adjustments")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_fee_adjustments_reverses_id")),
    )
    op.create_index(op.f("ix_fee_adjustments_bill_id"), "fee_adjustments", ["bill_id"])
    op.create_table(
        "fee_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("proof", sa.String(length=500), nullable=True),
        sa.Column("proof_attachment_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        _fk("fee_reminders", "unit_id", "units"),
        _fk("fee_reminders", "proof_attachment_id", "attachments"),
        _fk("fee_reminders", "by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_reminders")),
    )
    op.create_index(op.f("ix_fee_reminders_unit_id"), "fee_reminders", ["unit_id"])
    op.create_table(
        "fee_disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        _fk("fee_disputes", "bill_id", "fee_bills"),
        _fk("fee_disputes", "by_id", "users"),
        _fk("fee_disputes", "ticket_id", "tickets"),
        _fk("fee_disputes", "resolved_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_disputes")),
    )
    op.create_index(op.f("ix_fee_disputes_bill_id"), "fee_disputes", ["bill_id"])
    op.create_table(
        "fee_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("fee_claims", "unit_id", "units"),
        _fk("fee_claims", "by_id", "users"),
        _fk("fee_claims", "attachment_id", "attachments"),
        _fk("fee_claims", "payment_id", "fee_payments"),
        _fk("fee_claims", "decided_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_claims")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_fee_claims_attachment_id")),
    )
    op.create_index(op.f("ix_fee_claims_unit_id"), "fee_claims", ["unit_id"])


def downgrade():
    for table in ("fee_claims", "fee_disputes", "fee_reminders", "fee_adjustments", "fee_allocations", "fee_payments",
                  "fee_bills", "fee_items"):
        op.drop_table(table)
