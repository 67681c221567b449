"""Fire safety: the facility register, inspection plans and rounds, defects, hazard reports with their escalation
ladder, the control room's certified staff and shifts, drills. Nothing here is deleted: a facility is retired,
a hazard is closed, a step is appended."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..estate.models import Building
from ..extensions import db


class FireFacility(db.Model):
    """One fire facility at a place in a building; ``code`` is printed on its QR label."""
    __tablename__ = "fire_facilities"
    __table_args__ = (Index("ix_fire_facilities_building_floor", "building_id", "floor"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    floor: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    location: Mapped[str] = mapped_column(String(120))
    model: Mapped[str | None] = mapped_column(String(32))  # an extinguisher's type, e.g. ABC dry powder
    capacity: Mapped[str | None] = mapped_column(String(16))
    expires_on: Mapped[date | None] = mapped_column(Date)
    service_due_on: Mapped[date | None] = mapped_column(Date)
    condition: Mapped[str] = mapped_column(String(16), default="ok")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    building: Mapped[Building] = relationship(lazy="joined")


class FireFacilityEvent(db.Model):
    """A facility's history: registered, changed, checked, defect found, repaired, alerted, retired."""
    __tablename__ = "fire_facility_events"
    __table_args__ = (Index("ix_fire_facility_events_facility_id_id", "facility_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("fire_facilities.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class FireAlert(db.Model):
    """That a facility's expiry or service date is near; one per facility, kind and date, however often the
    jobs run."""
    __tablename__ = "fire_alerts"
    __table_args__ = (UniqueConstraint("facility_id", "kind", "due_on", name="uq_fire_alerts_facility_kind_due"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("fire_facilities.id"))
    kind: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FireRoute(db.Model):
    """An inspection route: facilities in the order they are walked."""
    __tablename__ = "fire_routes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stops: Mapped[list["FireRouteStop"]] = relationship(order_by="FireRouteStop.position")


class FireRouteStop(db.Model):
    __tablename__ = "fire_route_stops"
    route_id: Mapped[int] = mapped_column(ForeignKey("fire_routes.id"), primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("fire_facilities.id"), primary_key=True)
    position: Mapped[int]


class FirePlan(db.Model):
    """How often a route is walked: daily, weekly, monthly or yearly."""
    __tablename__ = "fire_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("fire_routes.id"), index=True)
    frequency: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    route: Mapped[FireRoute] = relationship(lazy="joined")


class FireRound(db.Model):
    """One period's walk of a plan's route. The unique period is what lets the jobs run twice at once."""
    __tablename__ = "fire_rounds"
    __table_args__ = (UniqueConstraint("plan_id", "period", name="uq_fire_rounds_plan_period"),
                      Index("ix_fire_rounds_status_due_at", "status", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("fire_plans.id"))
    period: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(8), default="open")  # open, done, overdue
    done_at: Mapped[datetime | None]

    plan: Mapped[FirePlan] = relationship(lazy="joined")


class FireTask(db.Model):
    """One facility to check in one round: OK or a defect, by whom and when."""
    __tablename__ = "fire_tasks"
    __table_args__ = (UniqueConstraint("round_id", "facility_id", name="uq_fire_tasks_round_facility"),
                      Index("ix_fire_tasks_facility_id", "facility_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("fire_rounds.id"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("fire_facilities.id"))
    position: Mapped[int] = mapped_column(default=0)
    result: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(String(500))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None]


class FireDefect(db.Model):
    """A defect found at a facility. It opens one repair request at the front desk; ``ticket_claimed_at`` is
    set by whoever files it, so a check-in and a retry by the jobs never file two. Other domains (the
    maintenance fund) refer to it as ``fire_defect:ID``."""
    __tablename__ = "fire_defects"
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("fire_facilities.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("fire_tasks.id"), unique=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), unique=True)
    ticket_claimed_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, repaired
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    repaired_at: Mapped[datetime | None]

    facility: Mapped[FireFacility] = relationship(lazy="joined")


class FireHazard(db.Model):
    """An owner's report of a hazard, walked up the escalation ladder; ``spot_key`` finds repeats."""
    __tablename__ = "fire_hazards"
    __table_args__ = (Index("ix_fire_hazards_building_spot", "building_id", "spot_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    kind: Mapped[str] = mapped_column(String(24))
    spot: Mapped[str] = mapped_column(String(120))
    spot_key: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    earlier: Mapped[int] = mapped_column(default=0)  # hazards reported at the same spot before this one
    status: Mapped[str] = mapped_column(String(24), default="reported")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    building: Mapped[Building] = relationship(lazy="joined")
    steps: Mapped[list["FireHazardStep"]] = relationship(order_by="FireHazardStep.id")


class FireHazardStep(db.Model):
    """One rung of the ladder, as recorded: acknowledged, asked to remove (whom), re-checked (outcome),
    reported to the authority (which), closed."""
    __tablename__ = "fire_hazard_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("fire_hazards.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    step: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class FireStaff(db.Model):
    """A person of the fire control room with their certificate (消防设施操作员)."""
    __tablename__ = "fire_staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    certificate_no: Mapped[str | None] = mapped_column(String(32))
    certificate_expires_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FireShift(db.Model):
    """Someone on the roster for one shift of one day."""
    __tablename__ = "fire_shifts"
    __table_args__ = (UniqueConstraint("day", "slot", "staff_id", name="uq_fire_shifts_day_slot_staff"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    slot: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int] = mapped_column(ForeignKey("fire_staff.id"))


class FireDrill(db.Model):
    """A planned drill or training for one building (or the estate), with its short report afterwards."""
    __tablename__ = "fire_drills"
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    title: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]
    checkin_code: Mapped[str] = mapped_column(String(24), unique=True)
    report: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    building: Mapped[Building | None] = relationship(lazy="joined")


class FireDrillSignup(db.Model):
    __tablename__ = "fire_drill_signups"
    __table_args__ = (UniqueConstraint("drill_id", "user_id", name="uq_fire_drill_signups_drill_user"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("fire_drills.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    attended_at: Mapped[datetime | None]
