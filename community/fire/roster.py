"""The fire control room: its certified staff and the shift roster. Every shift needs at least
``FIRE_MIN_CERTIFIED`` people (two by default) whose certificate is valid that day."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..extensions import db
from . import common
from .models import FireShift, FireStaff

SLOTS = ("day", "night")
CERT_WARN_DAYS = 60


def minimum() -> int:
    return int(current_app.config.get("FIRE_MIN_CERTIFIED", 2))


def add_staff(actor, data: dict) -> FireStaff:
    policy.require(actor, "fire.manage")
    person = FireStaff(name=common.text(data.get("name"), "name", 64),
                       certificate_no=common.text(data.get("certificate_no"), "certificate_no", 32, required=False),
                       certificate_expires_on=common.day(data.get("certificate_expires_on"),
                                                         "certificate_expires_on"))
    if person.certificate_no and person.certificate_expires_on is None:
        raise Invalid(_("Give the certificate's expiry date."), field="certificate_expires_on")
    db.session.add(person)
    db.session.flush()
    audit.record(actor, "fire.staff_add", f"fire_staff:{person.id}", {"certified": bool(person.certificate_no)})
    db.session.commit()
    return person


def assign(actor, data: dict) -> FireShift:
    policy.require(actor, "fire.manage")
    on = common.day(data.get("day"), "day", required=True)
    slot = common.choice(data.get("slot"), "slot", SLOTS)
    person = db.session.get(FireStaff, common.ident(data.get("staff_id"), "staff_id"))
    if person is None or not person.active:
        raise Invalid(_("No such person in the control room."), field="staff_id")
    shift = FireShift(day=on, slot=slot, staff_id=person.id)
    try:
        with db.session.begin_nested():
            db.session.add(shift)
    except IntegrityError:
        raise Conflict(_("This person is already on that shift.")) from None
    audit.record(actor, "fire.shift_assign", f"fire_staff:{person.id}", {"day": on.isoformat(), "slot": slot})
    db.session.commit()
    return shift


def certified_on(person: FireStaff, on: date) -> bool:
    return bool(person.certificate_no) and person.certificate_expires_on is not None \
        and person.certificate_expires_on >= on


def serialize_staff(p: FireStaff, today: date) -> dict:
    expires = p.certificate_expires_on
    return {"id": p.id, "name": p.name, "certificate_no": p.certificate_no,
            "certificate_expires_on": expires and expires.isoformat(), "certified": certified_on(p, today),
            "expiring": expires is not None and today <= expires <= today + timedelta(days=CERT_WARN_DAYS),
            "active": p.active}


def roster(actor, start: date | None = None, days: int = 7) -> dict:
    """Each day and shift of the window: who is on, how many are certified that day, and whether that is
    short of the minimum; and every certificate that has expired or expires within the warning window."""
    policy.require(actor, "fire.read")
    today = common.local_date(utcnow())
    start = start or today
    if not 1 <= days <= 62:
        raise Invalid(_("The number is out of range."), field="days")
    people = {p.id: p for p in db.session.scalars(select(FireStaff).order_by(FireStaff.id))}
    shifts = db.session.scalars(select(FireShift).where(FireShift.day >= start,
                                                        FireShift.day < start + timedelta(days=days)))
    on_shift: dict[tuple[date, str], list[FireStaff]] = {}
    for s in shifts:
        on_shift.setdefault((s.day, s.slot), []).append(people[s.staff_id])
    need = minimum()
    table, gaps = [], 0
    for n in range(days):
        on = start + timedelta(days=n)
        row = {"day": on.isoformat(), "shifts": []}
        for slot in SLOTS:
            crew = sorted(on_shift.get((on, slot), []), key=lambda p: p.name)
            certified = sum(certified_on(p, on) for p in crew)
            row["shifts"].append({"slot": slot, "certified": certified, "gap": certified < need,
                                  "staff": [{"id": p.id, "name": p.name, "certified": certified_on(p, on)}
                                            for p in crew]})
            gaps += certified < need
        table.append(row)
    staff = [serialize_staff(p, today) for p in people.values() if p.active]
    return {"minimum": need, "days": table, "gaps": gaps, "staff": staff,
            "expiring": [s for s in staff if s["expiring"] or (s["certificate_no"] and not s["certified"])],
            "can_manage": policy.can(actor, "fire.manage")}


def person(actor, staff_id: int) -> FireStaff:
    policy.require(actor, "fire.read", hide=True)
    found = db.session.get(FireStaff, staff_id)
    if found is None:
        raise NotFound(_("Not found."))
    return found
