from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class Report(db.Model):
    """A user's report of a thread, post, chat message or user, citing a rules clause."""
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("reporter_id", "target", name="uq_reports_reporter_target"),
                      Index("ix_reports_target", "target"))
    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    target: Mapped[str] = mapped_column(String(32))
    clause: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
