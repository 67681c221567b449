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
    # draft | announced | open | closed (preliminary) | final
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    closes_at: Mapped[datetime]
    # True when created with a list of items; False for the single motion of ``matter``.
    multi: Mapped[bool] = mapped_column(default=False)
    # The rules of procedure, copied when the vote is created.
    notice_days: Mapped[int] = mapped_column(default=15)
    objection_days: Mapped[int] = mapped_column(default=7)
    proxy_max: Mapped[int] = mapped_column(default=3)
    paper_precedence: Mapped[str] = mapped_column(String(8), default="first")  # first | online
    scope: Mapped[str | None] = mapped_column(Text)  # JSON {"buildings": [...]} or {"units": [ids]}; None: estate
    announced_at: Mapped[datetime | None]
    opens_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    extended_at: Mapped[datetime | None]  # a deadline moves once, before it is reached
    close_reason: Mapped[str | None] = mapped_column(Text)
    objection_until: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
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
    choices: Mapped[str | None] = mapped_column(Text)  # an open vote's answers item by item, JSON
    by_proxy: Mapped[bool] = mapped_column(default=False)


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
    """A paper ballot entered by one committee member, pending until a second member confirms it against the
    paper. A ballot for a voter who already voted is then kept as a conflict for review and is not counted."""
    __tablename__ = "vote_paper_ballots"
    __table_args__ = (UniqueConstraint("vote_id", "serial", name="uq_vote_paper_ballots_vote_serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("vote_voters.id"))
    unit_code: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # pending | counted | conflict
    choice: Mapped[str | None] = mapped_column(String(8))  # open votes only
    # What the paper says, held only while it waits for the second member (and kept in an open vote).
    choices: Mapped[str | None] = mapped_column(Text)
    serial: Mapped[str | None] = mapped_column(String(16))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(String(500))


class VoteProcedure(db.Model):
    """The estate's rules of procedure for owners' votes: one row, kept by the committee."""
    __tablename__ = "vote_procedure"
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_days: Mapped[int] = mapped_column(default=15)
    objection_days: Mapped[int] = mapped_column(default=7)
    proxy_max: Mapped[int] = mapped_column(default=3)
    paper_precedence: Mapped[str] = mapped_column(String(8), default="first")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class VoteItem(db.Model):
    """One question on a vote's ballot: a motion (yes/no/abstain) or an election (candidates for seats)."""
    __tablename__ = "vote_items"
    __table_args__ = (UniqueConstraint("vote_id", "position", name="uq_vote_items_vote_position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # motion | election
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    matter: Mapped[int]
    seats: Mapped[int | None]
    result: Mapped[str | None] = mapped_column(Text)  # JSON, written once at the close


class VoteCandidate(db.Model):
    __tablename__ = "vote_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("vote_items.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(64))
    statement: Mapped[str] = mapped_column(Text)
    elected: Mapped[bool | None]


class VoteItemCount(db.Model):
    """Running totals of one item (``candidate_id`` NULL) or of one candidate, never shown before the close.
    Every ballot writes every row of its vote, so no row's history tells a choice."""
    __tablename__ = "vote_item_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("vote_items.id"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("vote_candidates.id"))
    yes_persons: Mapped[int] = mapped_column(default=0)
    yes_area_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    no_persons: Mapped[int] = mapped_column(default=0)
    no_area_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    abstain_persons: Mapped[int] = mapped_column(default=0)
    abstain_area_centi: Mapped[int] = mapped_column(BigInteger, default=0)


class VoteProxy(db.Model):
    """A written authorisation for one voter's ballot in one vote."""
    __tablename__ = "vote_proxies"
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("vote_voters.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    proxy_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    evidence: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class VoteObjection(db.Model):
    __tablename__ = "vote_objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]


class VoteDelivery(db.Model):
    """One entry of a vote's delivery ledger: the announcement and ballot paper handed over at a unit, with who
    received it, when, and a photo of their signature. Never edited: a mistaken entry is superseded by a new one
    (a corrected hand-over, or ``withdrawn``). Reaching a unit in the app is not written here; it is read from the
    notifications its owners opened."""
    __tablename__ = "vote_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # paper | withdrawn
    received_by: Mapped[str | None] = mapped_column(String(64))
    handed_at: Mapped[datetime | None]
    photo_file_id: Mapped[int | None] = mapped_column(ForeignKey("assembly_files.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("vote_deliveries.id"), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
