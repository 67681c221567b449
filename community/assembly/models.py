"""Beside the owners' votes: owners' petitions for an extraordinary assembly (物业管理条例 art. 13), the
committee's register of its own decisions and minutes (SPC interpretation on 建筑物区分所有权, art. 13), and the
files those carry (minutes, a vote's announcement documents)."""

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class AssemblyFile(db.Model):
    """An uploaded PDF or image: a PDF is stored as sent (checked by its header and size), an image goes through
    the attachments service, which re-encodes it."""
    __tablename__ = "assembly_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    mime: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))  # images
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("votes.id"), index=True)  # an announcement's document
    sha256: Mapped[str | None] = mapped_column(String(64))
    # A vote's document, once announced, is never removed: a correction is a new one naming the one it corrects.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("assembly_files.id"), unique=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Petition(db.Model):
    """Owners asking the committee to convene an extraordinary assembly; counted against the roster frozen when
    the petition starts, one signature per voter (the grouping of a vote's electorate)."""
    __tablename__ = "petitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)  # what it asks
    # open | reached (20% of owners signed, the committee told) | convened (a vote made) | answered (in writing)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    persons_total: Mapped[int]
    area_total_centi: Mapped[int] = mapped_column(BigInteger)
    electorate_hash: Mapped[str] = mapped_column(String(64))
    reached_at: Mapped[datetime | None]
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("votes.id"))


class PetitionVoter(db.Model):
    __tablename__ = "petition_voters"
    __table_args__ = (UniqueConstraint("petition_id", "position", name="uq_petition_voters_petition_position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # owners | developer | unowned
    area_centi: Mapped[int] = mapped_column(BigInteger)


class PetitionVoterUnit(db.Model):
    __tablename__ = "petition_voter_units"
    __table_args__ = (UniqueConstraint("petition_id", "unit_id", name="uq_petition_voter_units_petition_unit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("petition_voters.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(32))


class PetitionSignature(db.Model):
    """One voter's signature; withdrawn while the petition is open, it is kept with ``withdrawn_at`` and may be
    given again (the same row)."""
    __tablename__ = "petition_signatures"
    __table_args__ = (UniqueConstraint("petition_id", "voter_id", name="uq_petition_signatures_petition_voter"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("petition_voters.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    area_centi: Mapped[int] = mapped_column(BigInteger)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class CommitteeDecision(db.Model):
    """One entry of the committee's register: never edited; a correction is a new entry that supersedes it."""
    __tablename__ = "committee_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    decided_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    # JSON lists of {"id", "name"} as they were on the day: members present and how each one stood.
    present: Mapped[str] = mapped_column(Text)
    agreed: Mapped[str] = mapped_column(Text)
    disagreed: Mapped[str] = mapped_column(Text)
    abstained: Mapped[str] = mapped_column(Text)
    minutes_file_id: Mapped[int | None] = mapped_column(ForeignKey("assembly_files.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("committee_decisions.id"), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
