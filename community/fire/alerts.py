"""Expiry and service dates that are near: one alert per facility, kind and date, however often the jobs run;
an alert stands while the facility still has that date (a refill or a service moves it on)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core import policy
from ..core.timeutil import utcnow
from ..extensions import db
from . import common
from .models import FireAlert, FireFacility, FireFacilityEvent
from .services import serialize_facility


def raise_alerts(now: datetime) -> int:
    """An alert for each expiry or service date within the warning window, once per facility and date."""
    today = common.local_date(now)
    horizon = common.soon(today)
    made = 0
    for column, kind in ((FireFacility.expires_on, "expiry"), (FireFacility.service_due_on, "service")):
        due = db.session.execute(select(FireFacility.id, column).where(
            FireFacility.retired_at.is_(None), column.is_not(None), column <= horizon,
            ~select(FireAlert.id).where(FireAlert.facility_id == FireFacility.id, FireAlert.kind == kind,
                                        FireAlert.due_on == column).exists())).all()
        for facility_id, due_on in due:
            try:
                with db.session.begin_nested():
                    db.session.add(FireAlert(facility_id=facility_id, kind=kind, due_on=due_on, created_at=now))
                    db.session.add(FireFacilityEvent(facility_id=facility_id, action="alerted",
                                                     note=f"{kind} {due_on.isoformat()}", at=now))
            except IntegrityError:
                continue
            made += 1
    if made:
        common.notify(db.session.scalars(select(User.id).where(User.role.in_(policy.STAFF),
                                                               User.status == "approved")), "fire_alert")
    db.session.commit()
    return made


def alerts(actor, *, limit: int = 200) -> list[dict]:
    policy.require(actor, "fire.read")
    today = common.local_date(utcnow())
    rows = db.session.execute(select(FireAlert, FireFacility).join(FireFacility, FireFacility.id ==
                                                                   FireAlert.facility_id)
                              .where(FireFacility.retired_at.is_(None)).order_by(FireAlert.due_on).limit(limit)).all()
    return [{"id": a.id, "kind": a.kind, "due_on": a.due_on.isoformat(), "days_left": (a.due_on - today).days,
             "facility": serialize_facility(f, today)} for a, f in rows if _still_due(a, f)]


def _still_due(alert: FireAlert, f: FireFacility) -> bool:
    """An alert stands while the facility still has that date (a refill or service moves it on)."""
    return (f.expires_on if alert.kind == "expiry" else f.service_due_on) == alert.due_on
