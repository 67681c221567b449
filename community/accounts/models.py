from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..estate.models import Unit
from ..extensions import db

ROLES = ("owner", "resident", "vendor", "staff", "admin")
RELATIONS = ("owner", "family", "tenant", "vendor")
ROLE_FOR_RELATION = {"owner": "owner", "family": "resident", "tenant": "resident", "vendor": "vendor"}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    real_name: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    committee: Mapped[bool] = mapped_column(default=False)
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_last4: Mapped[str | None] = mapped_column(String(4))
    accepted_rules_version: Mapped[int | None]
    session_version: Mapped[int] = mapped_column(default=1)
    muted_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Closing keeps the account for the retention period, then ``purged_at`` says its personal data is gone.
    closed_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]

    registration: Mapped["Registration | None"] = relationship(
        back_populates="user", uselist=False, foreign_keys="Registration.id")
    unit_links: Mapped[list["UserUnit"]] = relationship(
        primaryjoin="and_(UserUnit.user_id == User.id, UserUnit.ended_at.is_(None))",
        viewonly=True, order_by="UserUnit.id")

    def get_id(self) -> str:
        # Logging in names the server-side session (``web_sessions``) in the cookie, so that logging out ends
        # that session wherever the cookie was copied. ``session_version`` ends them all at once.
        sid = getattr(self, "_session_key", None)
        return f"{self.id}:{self.session_version}" + (f":{sid}" if sid else "")

    @property
    def is_active(self) -> bool:
        return True

    @property
    def units(self) -> list[Unit]:
        return [link.unit for link in self.unit_links]

    @property
    def primary_unit(self) -> Unit | None:
        if self.unit_links:
            return self.unit_links[0].unit
        if self.registration is not None:
            return self.registration.unit
        return None

    @property
    def building_codes(self) -> frozenset[str]:
        return frozenset(link.unit.building.code for link in self.unit_links)

    @property
    def building_code(self) -> str | None:
        unit = self.primary_unit
        return unit.building.code if unit else None


class Registration(db.Model):
    """What an applicant claimed, and the latest decision on it. Shares its id with the user."""
    __tablename__ = "registrations"
    id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    relation: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    organization: Mapped[str | None] = mapped_column(String(128))
    roster_match: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=1)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    # An owner claim the roster did not confirm, approved anyway: "unverified" (resident rights, no vote).
    ownership: Mapped[str | None] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="registration", foreign_keys=[id])
    unit: Mapped[Unit | None] = relationship(lazy="joined")


class UserUnit(db.Model):
    """A right tied to a unit: granted on approval, ended when ownership changes."""
    __tablename__ = "user_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(lazy="joined")


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class WebSession(db.Model):
    """A signed-in browser. The cookie carries ``key``; logging out or expiring ends the row, not the cookie."""
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))


class ResetCode(db.Model):
    """A one-time password reset code issued at the front desk; only its hash is kept."""
    __tablename__ = "reset_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
