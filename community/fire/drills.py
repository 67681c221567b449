"""Drills and training per building: planned by the staff, signed up for by residents, attendance taken by
scanning the drill's QR code at the place, and a short report afterwards."""

import secrets

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import common
from .models import FireDrill, FireDrillSignup


def _when(value, field: str):
    from datetime import datetime
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None:
        raise Invalid(_("Give a time as ISO 8601."), field=field)
    if at.tzinfo is not None:
        at = at.astimezone(common.UTC).replace(tzinfo=None)
    return at


def plan(actor, data: dict) -> FireDrill:
    policy.require(actor, "fire.manage")
    place = data.get("building")
    found = FireDrill(building_id=common.building(place).id if place else None,
                      title=common.text(data.get("title"), "title", 120),
                      place=common.text(data.get("place"), "place", 120),
                      starts_at=_when(data.get("starts_at"), "starts_at"), checkin_code=secrets.token_urlsafe(9))
    db.session.add(found)
    db.session.flush()
    audit.record(actor, "fire.drill_plan", f"fire_drill:{found.id}", {})
    db.session.commit()
    return found


def _open_to(actor, found: FireDrill) -> bool:
    return found.building is None or policy.can(actor, "fire.read") or \
        found.building.code in getattr(actor, "building_codes", ())


def drill(actor, drill_id: int) -> FireDrill:
    policy.require_member(actor)
    found = db.session.get(FireDrill, drill_id)
    if found is None or not _open_to(actor, found):
        raise NotFound(_("Not found."))
    return found


def drills(actor) -> list[dict]:
    policy.require_member(actor)
    rows = [d for d in db.session.scalars(select(FireDrill).order_by(FireDrill.starts_at.desc()).limit(100))
            if _open_to(actor, d)]
    return [serialize(d, actor) for d in rows]


def sign_up(actor, drill_id: int) -> FireDrillSignup:
    found = drill(actor, drill_id)
    policy.require(actor, "fire.drill_join")
    if found.starts_at <= utcnow():
        raise Conflict(_("This drill has already begun."))
    signup = FireDrillSignup(drill_id=found.id, user_id=actor.id, signed_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError:
        raise Conflict(_("You have already signed up.")) from None
    db.session.commit()
    return signup


def check_in(actor, code: str) -> FireDrill:
    """Attendance by the drill's QR code, on the day; counts whether or not the person signed up first."""
    policy.require(actor, "fire.drill_join")
    found = db.session.scalar(select(FireDrill).where(FireDrill.checkin_code == code))
    if found is None or not _open_to(actor, found):
        raise NotFound(_("Not found."))
    now = utcnow()
    if common.local_date(now) != common.local_date(found.starts_at):
        raise Conflict(_("Attendance is taken on the day of the drill."))
    try:
        with db.session.begin_nested():
            db.session.add(FireDrillSignup(drill_id=found.id, user_id=actor.id, signed_at=now, attended_at=now))
    except IntegrityError:
        db.session.execute(update(FireDrillSignup).where(FireDrillSignup.drill_id == found.id,
                                                         FireDrillSignup.user_id == actor.id,
                                                         FireDrillSignup.attended_at.is_(None))
                           .values(attended_at=now))
    db.session.commit()
    return found


def write_report(actor, drill_id: int, data: dict) -> FireDrill:
    found = drill(actor, drill_id)
    policy.require(actor, "fire.manage")
    found.report = common.text(data.get("report"), "report", 4000)
    audit.record(actor, "fire.drill_report", f"fire_drill:{found.id}", {})
    db.session.commit()
    return found


def serialize(d: FireDrill, viewer) -> dict:
    counts = db.session.execute(select(func.count(), func.count(FireDrillSignup.attended_at))
                                .where(FireDrillSignup.drill_id == d.id)).one()
    mine = db.session.scalar(select(FireDrillSignup).where(FireDrillSignup.drill_id == d.id,
                                                           FireDrillSignup.user_id == viewer.id))
    data = {"id": d.id, "title": d.title, "place": d.place, "building": d.building.code if d.building else None,
            "starts_at": iso(d.starts_at), "report": d.report, "signed_up": counts[0], "attended": counts[1],
            "me": {"signed_up": mine is not None, "attended": bool(mine and mine.attended_at)},
            "can_sign_up": policy.can(viewer, "fire.drill_join") and mine is None and d.starts_at > utcnow()}
    if policy.can(viewer, "fire.manage"):
        data["checkin_code"] = d.checkin_code
    return data
