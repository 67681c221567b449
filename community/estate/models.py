from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class Building(db.Model):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)


class Unit(db.Model):
    """A unit of exclusive property. Area is held in hundredths of a square metre, exactly."""
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    area_centi: Mapped[int]
    developer_held: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    building: Mapped[Building] = relationship(lazy="joined")
    owners: Mapped[list["Owner"]] = relationship(
        primaryjoin="and_(Owner.unit_id == Unit.id, Owner.ended_at.is_(None))",
        viewonly=True, order_by="Owner.id")


class Owner(db.Model):
    """A roster entry (业主档案): who owns a unit, from when until when. Never deleted."""
    __tablename__ = "owners"
    __table_args__ = (UniqueConstraint("unit_id", "id_hash", "started_at", name="uq_owners_unit_person_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_last4: Mapped[str] = mapped_column(String(4))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
