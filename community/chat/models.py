from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.timeutil import utcnow
from ..extensions import db


class Message(db.Model):
    """A chat message, stored before it is broadcast; ``client_id`` makes a resend harmless."""
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_room_id", "room", "id"),
                      Index("ix_messages_author_created", "author_id", "created_at"),
                      UniqueConstraint("author_id", "client_id", name="uq_messages_author_client"))
    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="visible")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class RoomRead(db.Model):
    """The last message a user has seen in a room, for unread counts."""
    __tablename__ = "room_reads"
    __table_args__ = (UniqueConstraint("user_id", "room", name="uq_room_reads_user_room"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    room: Mapped[str] = mapped_column(String(32))
    last_read_id: Mapped[int] = mapped_column(default=0)


class DeskConversation(db.Model):
    """A resident's conversation with the front desk: open while the resident waits for an answer."""
    __tablename__ = "desk_conversations"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    waiting_since: Mapped[datetime | None]
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ChatConnection(db.Model):
    """A live socket, so that a sanction can disconnect a user's sockets in every server process."""
    __tablename__ = "chat_connections"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the socket connected with ("token:<sha256>" or "session:<version>"): when it ends, so does the socket.
    credential: Mapped[str] = mapped_column(String(80), default="", server_default="")
    rooms: Mapped[str] = mapped_column(Text, default="", server_default="")  # joined room slugs, space-separated
