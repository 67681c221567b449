"""The monthly fire-safety status: per building for its residents, the whole estate (with every overdue item)
for the committee and staff. Facilities are counted as they stand now; rounds, hazards and drills by month."""

from types import SimpleNamespace

from sqlalchemy import and_, case, func, or_, select

from ..core import policy
from ..core.errors import NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building
from ..extensions import db
from . import common
from .hazards import OPEN as HAZARD_OPEN
from .models import FireDrill, FireFacility, FireHazard, FirePlan, FireRound, FireRoute


def _facility_counts(today, building_ids) -> dict:
    # Spelled out so that a missing date counts as not overdue rather than as unknown (NULL).
    overdue = or_(and_(FireFacility.expires_on.is_not(None), FireFacility.expires_on < today),
                  and_(FireFacility.service_due_on.is_not(None), FireFacility.service_due_on < today))
    rows = db.session.execute(select(
        FireFacility.building_id, func.count(),
        func.sum(case((FireFacility.condition == "defective", 1), else_=0)),
        func.sum(case((overdue, 1), else_=0)),
        func.sum(case((and_(FireFacility.condition != "defective", ~overdue), 1), else_=0)),
    ).where(FireFacility.retired_at.is_(None), FireFacility.building_id.in_(building_ids))
        .group_by(FireFacility.building_id))
    return {b: {"total": t, "defective": int(d or 0), "overdue": int(o or 0), "ok": int(k or 0)}
            for b, t, d, o, k in rows}


def _round_counts(start, end, building_ids) -> dict:
    rows = db.session.execute(select(
        FireRoute.building_id, func.count(),
        func.sum(case((and_(FireRound.done_at.is_not(None), FireRound.done_at <= FireRound.due_at), 1), else_=0)),
        func.sum(case((FireRound.status == "overdue", 1), else_=0)),
        func.sum(case((and_(FireRound.status == "done", FireRound.done_at > FireRound.due_at), 1), else_=0)),
    ).join(FirePlan, FirePlan.id == FireRound.plan_id).join(FireRoute, FireRoute.id == FirePlan.route_id)
        .where(FireRound.due_at > start, FireRound.due_at <= end, FireRoute.building_id.in_(building_ids))
        .group_by(FireRoute.building_id))
    return {b: {"due": t, "on_time": int(o or 0), "overdue": int(v or 0), "late": int(la or 0)}
            for b, t, o, v, la in rows}


def _hazard_counts(start, end, building_ids) -> dict:
    rows = db.session.execute(select(
        FireHazard.building_id,
        func.sum(case((and_(FireHazard.created_at >= start, FireHazard.created_at < end), 1), else_=0)),
        func.sum(case((and_(FireHazard.closed_at >= start, FireHazard.closed_at < end), 1), else_=0)),
        func.sum(case((FireHazard.status.in_(HAZARD_OPEN), 1), else_=0)),
        func.sum(case((and_(FireHazard.status.in_(HAZARD_OPEN), FireHazard.earlier > 0), 1), else_=0)),
    ).where(FireHazard.building_id.in_(building_ids)).group_by(FireHazard.building_id))
    return {b: {"reported": int(r or 0), "closed": int(c or 0), "open": int(o or 0), "repeated_open": int(p or 0)}
            for b, r, c, o, p in rows}


def _last_drills(now, building_ids) -> dict:
    rows = db.session.execute(select(FireDrill.building_id, func.max(FireDrill.starts_at))
                              .where(FireDrill.starts_at <= now, or_(FireDrill.building_id.in_(building_ids),
                                                                     FireDrill.building_id.is_(None)))
                              .group_by(FireDrill.building_id)).all()
    estate = next((at for b, at in rows if b is None), None)
    found = {b: at for b, at in rows if b is not None}
    return {b: max([x for x in (found.get(b), estate) if x is not None], default=None) for b in building_ids}


def _statuses(buildings: list[Building], month: str) -> list[dict]:
    now = utcnow()
    today = common.local_date(now)
    start, end = common.month_bounds(month)
    ids = [b.id for b in buildings]
    facilities = _facility_counts(today, ids)
    rounds = _round_counts(start, end, ids)
    hazards = _hazard_counts(start, end, ids)
    drills = _last_drills(now, ids)
    empty_f = {"total": 0, "defective": 0, "overdue": 0, "ok": 0}
    empty_r = {"due": 0, "on_time": 0, "overdue": 0, "late": 0}
    empty_h = {"reported": 0, "closed": 0, "open": 0, "repeated_open": 0}
    return [{"building": b.code, "month": month, "facilities": facilities.get(b.id, empty_f),
             "rounds": rounds.get(b.id, empty_r), "hazards": hazards.get(b.id, empty_h),
             "last_drill_at": iso(drills.get(b.id))} for b in buildings]


def building_status(actor, code: str, month: str | None = None) -> dict:
    """One building's month. Its residents and the overseers may read it; anyone else is told it is not there."""
    policy.require_member(actor)
    place = common.building_or_404(code)
    if not policy.can(actor, "fire.status_view", SimpleNamespace(building=place.code)):
        raise NotFound(_("Not found."))
    return _statuses([place], common.month(month, "month", utcnow()))[0]


def my_buildings(actor) -> list[str]:
    return sorted(getattr(actor, "building_codes", ()))


def estate_status(actor, month: str | None = None, *, overdue_limit: int = 200) -> dict:
    """Every building's month and every overdue item: the committee's and the staff's view."""
    policy.require(actor, "fire.read")
    month = common.month(month, "month", utcnow())
    buildings = list(db.session.scalars(select(Building).order_by(Building.code)))
    rows = _statuses(buildings, month)
    totals = {part: {k: sum(r[part][k] for r in rows) for k in rows[0][part]} for part in
              ("facilities", "rounds", "hazards")} if rows else {}
    if rows:
        totals["last_drill_at"] = max((r["last_drill_at"] for r in rows if r["last_drill_at"]), default=None)
    today = common.local_date(utcnow())
    late_rounds = db.session.execute(select(FireRound.id, FireRound.period, FireRound.due_at, FireRoute.name)
                                     .join(FirePlan, FirePlan.id == FireRound.plan_id)
                                     .join(FireRoute, FireRoute.id == FirePlan.route_id)
                                     .where(FireRound.status == "overdue").order_by(FireRound.due_at)
                                     .limit(overdue_limit)).all()
    late_facilities = db.session.execute(select(FireFacility.id, FireFacility.code, FireFacility.kind,
                                                FireFacility.location, Building.code)
                                         .join(Building, Building.id == FireFacility.building_id)
                                         .where(FireFacility.retired_at.is_(None),
                                                or_(FireFacility.expires_on < today,
                                                    FireFacility.service_due_on < today))
                                         .order_by(FireFacility.id).limit(overdue_limit)).all()
    return {"month": month, "buildings": rows, "totals": totals,
            "overdue_rounds": [{"id": i, "period": p, "due_at": iso(d), "route": n} for i, p, d, n in late_rounds],
            "overdue_facilities": [{"id": i, "code": c, "kind": k, "location": loc, "building": b}
                                   for i, c, k, loc, b in late_facilities]}
