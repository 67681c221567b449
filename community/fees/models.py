"""The fee ledger. Money is integer fen. Nothing here is edited or deleted once written: a correction is a new
row that reverses or adjusts an earlier one, so every balance can be recomputed from the rows alone.

A bill's outstanding amount is ``amount_fen + sum(adjustments) - sum(allocations)``; a unit's credit
(prepayment) is ``sum(payments) - sum(their allocations)``."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..estate.models import Unit
from ..extensions import db


class FeeItem(db.Model):
    """A charge from the service contract: ``rate_fen`` per m² of exclusive area, per unit or per parking space,
    per month, from ``starts`` (a period ``YYYY-MM``) until ``ends`` (inclusive) or for good.

    ``buildings`` limits it to those buildings (empty: the whole estate); ``units`` maps unit codes to a
    quantity (parking spaces) and, when not empty, limits it to those units."""
    __tablename__ = "fee_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(String(8))
    rate_fen: Mapped[int]
    starts: Mapped[str] = mapped_column(String(7))
    ends: Mapped[str | None] = mapped_column(String(7))
    buildings: Mapped[list] = mapped_column(JSON, default=list)
    units: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Bill(db.Model):
    """What one unit owes for one period and one source (``item:<id>``, or ``opening`` for a balance carried
    over from paper). The unique key makes bill generation idempotent, even when two runs race."""
    __tablename__ = "fee_bills"
    __table_args__ = (UniqueConstraint("unit_id", "period", "source", name="uq_fee_bills_unit_period_source"),
                      Index("ix_fee_bills_period", "period"))
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(24))
    fee_item_id: Mapped[int | None] = mapped_column(ForeignKey("fee_items.id"))
    description: Mapped[str] = mapped_column(String(120))
    quantity_centi: Mapped[int]
    rate_fen: Mapped[int]
    amount_fen: Mapped[int]
    due_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")


class Payment(db.Model):
    """Money received at the desk (or its reversal: a negative row pointing at the payment it undoes)."""
    __tablename__ = "fee_payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    amount_fen: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(64))
    receipt_no: Mapped[str | None] = mapped_column(String(24), unique=True)
    payer: Mapped[str | None] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fee_payments.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")


class Allocation(db.Model):
    """Part of a payment applied to a bill; a reversal writes the same allocations negated."""
    __tablename__ = "fee_allocations"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("fee_payments.id"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("fee_bills.id"), index=True)
    amount_fen: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Adjustment(db.Model):
    """A change to a bill by staff with a reason: negative reduces it (a waiver clears what is left)."""
    __tablename__ = "fee_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("fee_bills.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fee_adjustments.id"), unique=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(db.Model):
    """One step of the reminder ladder for a unit: an in-app notice (its proof is the owner opening it), a
    letter handed over or posted, a phone call, or the formal written demand (催告) with its deadline."""
    __tablename__ = "fee_reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    step: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    proof: Mapped[str | None] = mapped_column(String(500))
    proof_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    deadline: Mapped[date | None]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class Dispute(db.Model):
    """An owner's objection to a bill, maybe tied to a complaint or repair, open until staff resolve it."""
    __tablename__ = "fee_disputes"
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("fee_bills.id"), index=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(500))


class Claim(db.Model):
    """An owner's word that they paid by transfer, with a screenshot, until staff confirm it (which records the
    payment) or reject it with a reason."""
    __tablename__ = "fee_claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), unique=True)
    amount_fen: Mapped[int]
    reference: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("fee_payments.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
