"""Owners' votes. A secret vote keeps no link from a choice to a voter, even here:

- ``VoteVoter`` says *that* a voter took part (and, for an open vote only, how);
- ``VoteCount`` holds the running totals of a vote in one row, updated whole by every ballot;
- ``VoteReceipt`` holds a receipt's hash and a seal of the choice keyed by the receipt code, which only the
  voter has: without the code the seal is indistinguishable from random, whatever order the rows are in. It has
  no timestamp and no sequential id; on SQLite it is a WITHOUT ROWID table, stored in receipt-hash order.

What this does not hide: the server sees each choice while counting it, and a database's own history of a
transaction (SQLite's WAL file before a checkpoint, PostgreSQL's dead row versions before VACUUM and its WAL)
still holds the totals before and after each ballot. Secrecy holds for everything read through SQL and for dumps.
"""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class Vote(db.Model):
    __tablename__ = "votes"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    matter: Mapped[int]
    secret: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)  # draft | open | closed
    closes_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: closed by its deadline
    # The frozen electorate.
    persons_total: Mapped[int | None]
    area_total_centi: Mapped[int | None] = mapped_column(BigInteger)
    electorate_hash: Mapped[str | None] = mapped_column(String(64))
    # Live turnout, public while the vote runs.
    persons_participating: Mapped[int] = mapped_column(default=0)
    area_participating_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    # The result, written once when the vote closes.
    yes_persons: Mapped[int | None]
    yes_area_centi: Mapped[int | None] = mapped_column(BigInteger)
    no_persons: Mapped[int | None]
    no_area_centi: Mapped[int | None] = mapped_column(BigInteger)
    abstain_persons: Mapped[int | None]
    abstain_area_centi: Mapped[int | None] = mapped_column(BigInteger)
    participation_met: Mapped[bool | None]
    approval_met: Mapped[bool | None]
    passed: Mapped[bool | None]


class VoteVoter(db.Model):
    """One voter of a vote's frozen electorate: a group of units with the same owners (or the developer's)."""
    __tablename__ = "vote_voters"
    __table_args__ = (UniqueConstraint("vote_id", "position", name="uq_vote_voters_vote_position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    position: Mapped[int]  # order of the voter's line in the electorate listing
    kind: Mapped[str] = mapped_column(String(16))  # owners | developer | unowned
    area_centi: Mapped[int] = mapped_column(BigInteger)
    voted: Mapped[bool] = mapped_column(default=False)
    voted_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(8))  # online | paper
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str | None] = mapped_column(String(8))  # open votes only; always NULL in a secret vote


class VoteVoterUnit(db.Model):
    __tablename__ = "vote_voter_units"
    __table_args__ = (UniqueConstraint("vote_id", "unit_id", name="uq_vote_voter_units_vote_unit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("vote_voters.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    area_centi: Mapped[int] = mapped_column(BigInteger)


class VoteCount(db.Model):
    """The running totals: never shown before the vote closes."""
    __tablename__ = "vote_counts"
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), primary_key=True)
    yes_persons: Mapped[int] = mapped_column(default=0)
    yes_area_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    no_persons: Mapped[int] = mapped_column(default=0)
    no_area_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    abstain_persons: Mapped[int] = mapped_column(default=0)
    abstain_area_centi: Mapped[int] = mapped_column(BigInteger, default=0)


class VoteReceipt(db.Model):
    __tablename__ = "vote_receipts"
    __table_args__ = ({"sqlite_with_rowid": False},)
    receipt_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of vote id and code
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    seal: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 keyed by the code, over vote id and choice


class PaperBallot(db.Model):
    """A paper ballot entered by the committee. A second ballot for a voter who already voted is kept as a
    conflict for the committee to review and is not counted."""
    __tablename__ = "vote_paper_ballots"
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("vote_voters.id"))
    unit_code: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # counted | conflict
    choice: Mapped[str | None] = mapped_column(String(8))  # open votes only
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(String(500))
