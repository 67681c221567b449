"""The maintenance fund (专项维修资金): a per-unit ledger, use applications, common income and disclosures.

Ledger lines are never edited or deleted: a correction is a reversing batch. Money is integer fen, areas centi-m².
"""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class FundSettings(db.Model):
    """One row: the estate's choices."""
    __tablename__ = "fund_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    low_balance_percent: Mapped[int] = mapped_column(default=30)  # Beijing's top-up line
    disclosure_months: Mapped[int] = mapped_column(default=6)
    request_days: Mapped[int] = mapped_column(default=15)  # answer an owner's request within
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FundBatch(db.Model):
    """One posting to the ledger (an import, a deposit run, an interest share, a charge, a reversal)."""
    __tablename__ = "fund_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # opening | deposit | interest | charge | income | reversal
    memo: Mapped[str] = mapped_column(String(200))
    total_fen: Mapped[int] = mapped_column(BigInteger)  # signed: what the batch did to the fund
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_batches.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FundEntry(db.Model):
    __tablename__ = "fund_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("fund_batches.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # signed
    raised: Mapped[bool] = mapped_column(default=False)  # counts towards the money raised (the 30% base)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FundApplication(db.Model):
    """A use plan (使用方案) from draft to settlement."""
    __tablename__ = "fund_applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    facility: Mapped[str] = mapped_column(String(120))
    project: Mapped[str] = mapped_column(Text)
    quotes: Mapped[str] = mapped_column(Text, default="")
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    emergency: Mapped[bool] = mapped_column(default=False)
    emergency_kind: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    published_at: Mapped[datetime | None]
    hearing_until: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    site_check: Mapped[str | None] = mapped_column(Text)
    site_check_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    site_check_at: Mapped[datetime | None]
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("votes.id"), unique=True)
    approved_at: Mapped[datetime | None]
    filing_ref: Mapped[str | None] = mapped_column(String(64))
    filing_date: Mapped[date | None]
    accepted_at: Mapped[datetime | None]
    acceptance_note: Mapped[str | None] = mapped_column(Text)
    settled_fen: Mapped[int | None] = mapped_column(BigInteger)
    invoices: Mapped[str | None] = mapped_column(Text)
    settled_at: Mapped[datetime | None]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("fund_batches.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FundApplicationUnit(db.Model):
    """A unit that bears the cost, with its area frozen when the plan was drafted."""
    __tablename__ = "fund_application_units"
    __table_args__ = (UniqueConstraint("application_id", "unit_id", name="uq_fund_application_units"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("fund_applications.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_code: Mapped[str] = mapped_column(String(32))
    area_centi: Mapped[int]


class FundApplicationEvent(db.Model):
    """Progress reports, photos named by attachment id, and every step of the procedure."""
    __tablename__ = "fund_application_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("fund_applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class IncomeContract(db.Model):
    """Income from a common part (电梯广告, 公共车位, 快递柜, 基站)."""
    __tablename__ = "income_contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    common_part: Mapped[str] = mapped_column(String(120))
    payer: Mapped[str] = mapped_column(String(120))
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # agreed per period
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncomeEntry(db.Model):
    """The common-income ledger: receipts (+), reasonable costs (-), transfers to the fund (-), reversals."""
    __tablename__ = "income_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # receipt | cost | transfer | reversal
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("income_contracts.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # signed
    memo: Mapped[str] = mapped_column(String(200))
    fund_batch_id: Mapped[int | None] = mapped_column(ForeignKey("fund_batches.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("income_entries.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DisclosureItem(db.Model):
    """Something the property company must publish (Civil Code art. 943), and how often."""
    __tablename__ = "fund_disclosure_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(16), unique=True)  # services | fees | fund_use | income
    every_months: Mapped[int] = mapped_column(default=6)
    due_at: Mapped[datetime]
    overdue_since: Mapped[datetime | None]  # set by the job when the due date passes unpublished


class Disclosure(db.Model):
    __tablename__ = "fund_disclosures"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("fund_disclosure_items.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    for_due_at: Mapped[datetime]
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class OwnerRequest(db.Model):
    """An owner's information request, or a request to recheck their unit's account (办法 art. 30)."""
    __tablename__ = "fund_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # information | recheck
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    question: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    overdue_since: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LowBalanceWarning(db.Model):
    """Whether a building is below the top-up line, so that its owners are told once when it falls below."""
    __tablename__ = "fund_low_balance"
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), primary_key=True)
    low_since: Mapped[datetime | None]
