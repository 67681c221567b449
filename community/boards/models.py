from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from ..accounts.models import User
from ..core.timeutil import utcnow
from ..extensions import db


class Board(db.Model):
    """A board; who may start threads and who may reply are named groups decided by the policy."""
    __tablename__ = "boards"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(255))
    description_en: Mapped[str] = mapped_column(String(255))
    post_group: Mapped[str] = mapped_column(String(16))
    reply_group: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_board_order", "board_id", "pinned", "last_post_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="visible")
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_id: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)
    # Moves whenever one of its posts is written, edited or moderated (``boards.pagecache``); never shown.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    board: Mapped[Board] = relationship(lazy="joined")
    author: Mapped[User] = relationship()
    posts: WriteOnlyMapped["Post"] = relationship(order_by="Post.id")


class Post(db.Model):
    """The opening text of a thread, or a reply; ``parent_id`` is the post it answers, if any."""
    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_thread_id_id", "thread_id", "id"),
                      Index("ix_posts_author_created", "author_id", "created_at"),
                      # Opening posts newest first: search walks them for a thread's title and text together.
                      Index("ix_posts_opening_id", "id", postgresql_where=text("opening"),
                            sqlite_where=text("opening")))
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opening: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="visible")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    author: Mapped[User] = relationship()


class PostRevision(db.Model):
    """An earlier version of a post, kept when it is edited."""
    __tablename__ = "post_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(db.Model):
    """An uploaded image, re-encoded on arrival so no EXIF or GPS data survives."""
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThreadRead(db.Model):
    """How far a reader has read a thread, for unread markers."""
    __tablename__ = "thread_reads"
    __table_args__ = (UniqueConstraint("user_id", "thread_id", name="uq_thread_reads_user_thread"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    last_post_id: Mapped[int] = mapped_column(default=0)


class Revision(db.Model):
    """A counter that moves whenever something many pages show changes: "people" for the name, role, committee
    seat, closure or building of anyone (the author lines of every thread). Pages kept between requests are keyed
    by it, so a change is seen by the next request in every worker."""
    __tablename__ = "revisions"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
