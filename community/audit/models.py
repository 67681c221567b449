from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class AuditEntry(db.Model):
    """Append-only and hash-chained: each hash covers the previous hash and this entry."""
    __tablename__ = "audit_entries"
    # Newest first by seq, walked along one of these when the page is filtered (keyset, never OFFSET).
    __table_args__ = (Index("ix_audit_entries_actor_seq", "actor_id", "seq"),
                      Index("ix_audit_entries_kind_seq", "kind", "seq"),
                      Index("ix_audit_entries_at_seq", "at", "seq"))
    seq: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(16))  # the action's family (words.kind_of); not hashed
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
