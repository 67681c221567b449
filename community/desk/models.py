from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.timeutil import utcnow
from ..estate.models import Building, Unit
from ..extensions import db


class Notice(db.Model):
    """A notice to owners (通知): to the whole estate or to chosen buildings, kept for good as the archive."""
    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    whole_estate: Mapped[bool] = mapped_column(default=True)
    must_acknowledge: Mapped[bool] = mapped_column(default=False)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
    buildings: Mapped[list[Building]] = relationship(secondary="notice_buildings", order_by="Building.code",
                                                     viewonly=True)

    @property
    def building_codes(self) -> frozenset[str]:
        return frozenset(b.code for b in self.buildings)


class NoticeBuilding(db.Model):
    """A building a notice is aimed at (a notice to the whole estate has none)."""
    __tablename__ = "notice_buildings"
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), primary_key=True)


class NoticeReceipt(db.Model):
    """That a reader opened a notice, and when they acknowledged it if it asks for that."""
    __tablename__ = "notice_receipts"
    __table_args__ = (UniqueConstraint("notice_id", "user_id", name="uq_notice_receipts_notice_user"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]


class Ticket(db.Model):
    """A repair request (报修), complaint or suggestion, tracked from filing to the owner's return visit.

    The due times are fixed when it is filed, so a later change of targets does not rewrite history."""
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_kind_status", "kind", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(24))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    common_area: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    department: Mapped[str | None] = mapped_column(String(16))
    worker: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    response_due_at: Mapped[datetime]
    completion_due_at: Mapped[datetime]
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(500))

    author: Mapped[User] = relationship()
    unit: Mapped[Unit | None] = relationship(lazy="joined")


class TicketEvent(db.Model):
    """One time-stamped step of a ticket's timeline: filed, accepted, assigned, started, note, done, confirmed,
    or reopened (the filer said at the return visit that it is not fixed)."""
    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id_id", "ticket_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(16))
    worker: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User] = relationship()


class TicketPhoto(db.Model):
    """An uploaded image shown on a ticket; an image belongs to one ticket at most."""
    __tablename__ = "ticket_photos"
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)


class Survey(db.Model):
    """A questionnaire (问卷调查), answered once per user or once per unit."""
    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    by_committee: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    per: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    questions: Mapped[list["SurveyQuestion"]] = relationship(order_by="SurveyQuestion.position")

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and (self.closes_at is None or now < self.closes_at)


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(200))
    options: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=True)


class SurveyResponse(db.Model):
    """One filled-in questionnaire. ``respondent`` is ``user:ID`` or ``unit:ID`` as the survey counts them, and
    is unique per survey: the database itself refuses a second answer, even from two phones at once."""
    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "respondent", name="uq_survey_responses_survey_respondent"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    respondent: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyAnswer(db.Model):
    """The answer to one question: chosen option indexes, a rating of 1 to 5, or text."""
    __tablename__ = "survey_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"), index=True)
    choices: Mapped[list | None] = mapped_column(JSON)
    rating: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
