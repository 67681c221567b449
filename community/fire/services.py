"""The facility register, inspection plans and rounds, check-ins and defects.

Every write takes the actor, checks the policy, validates, writes with its history and audit entry and commits
once. A defect opens its repair request through the front desk's own ticket service, after that commit."""

import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..core import policy
from ..core.errors import AppError, Conflict, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..desk import tickets as desk
from ..estate.models import Building
from ..extensions import db
from . import common
from .models import (
    FireDefect,
    FireFacility,
    FireFacilityEvent,
    FirePlan,
    FireRound,
    FireRoute,
    FireRouteStop,
    FireTask,
)

KINDS = ("extinguisher", "hydrant", "hose_reel", "alarm_zone", "sprinkler_zone", "emergency_light", "exit_sign",
         "fire_door", "smoke_extraction", "control_room")
FREQUENCIES = ("daily", "weekly", "monthly", "yearly")
RESULTS = ("ok", "defect")
CLAIM_STALE = timedelta(minutes=10)  # a filing claim older than this was left by a process that died


# ---- the register -------------------------------------------------------------------------------

def _facility_fields(data: dict, found: FireFacility | None = None) -> dict:
    fields = {}
    if found is None or "building" in data:
        fields["building_id"] = common.building(data.get("building")).id
    if found is None or "floor" in data:
        fields["floor"] = common.text(data.get("floor"), "floor", 16)
    if found is None or "kind" in data:
        fields["kind"] = common.choice(data.get("kind"), "kind", KINDS)
    if found is None or "location" in data:
        fields["location"] = common.text(data.get("location"), "location", 120)
    for name, size in (("model", 32), ("capacity", 16)):
        if found is None or name in data:
            fields[name] = common.text(data.get(name), name, size, required=False)
    for name in ("expires_on", "service_due_on"):
        if found is None or name in data:
            fields[name] = common.day(data.get(name), name)
    return fields


def register_facility(actor, data: dict) -> FireFacility:
    policy.require(actor, "fire.manage")
    found = FireFacility(code=secrets.token_urlsafe(9), **_facility_fields(data))
    db.session.add(found)
    db.session.flush()
    _event(found.id, actor, "registered")
    audit.record(actor, "fire.facility_register", f"fire_facility:{found.id}", {"kind": found.kind})
    db.session.commit()
    return found


def update_facility(actor, facility_id: int, data: dict) -> FireFacility:
    found = facility(actor, facility_id)
    policy.require(actor, "fire.manage")
    changes = {k: v for k, v in _facility_fields(data, found).items() if getattr(found, k) != v}
    for key, value in changes.items():
        setattr(found, key, value)
    if changes:
        note = ", ".join(sorted(changes))
        _event(found.id, actor, "changed", note)
        audit.record(actor, "fire.facility_change", f"fire_facility:{found.id}",
                     {k: str(v) for k, v in changes.items()})
        db.session.commit()
    return found


def retire_facility(actor, facility_id: int) -> FireFacility:
    found = facility(actor, facility_id)
    policy.require(actor, "fire.manage")
    if found.retired_at is not None:
        raise Conflict(_("This facility is already retired."))
    found.retired_at = utcnow()
    _event(found.id, actor, "retired")
    audit.record(actor, "fire.facility_retire", f"fire_facility:{found.id}", {})
    db.session.commit()
    return found


def _event(facility_id: int, actor, action: str, note: str | None = None) -> None:
    db.session.add(FireFacilityEvent(facility_id=facility_id, actor_id=actor.id if actor else None,
                                     action=action, note=note, at=utcnow()))


def facility(actor, facility_id: int) -> FireFacility:
    policy.require(actor, "fire.read", hide=True)
    found = db.session.get(FireFacility, facility_id)
    if found is None:
        raise NotFound(_("Not found."))
    return found


def facility_by_code(actor, code: str) -> FireFacility:
    """The facility a QR label names. Anyone signed in may look up what the label on the wall is."""
    policy.require_member(actor)
    found = db.session.scalar(select(FireFacility).where(FireFacility.code == code))
    if found is None:
        raise NotFound(_("Not found."))
    return found


def facilities(actor, *, building: str | None = None, floor: str | None = None, kind: str | None = None,
               after: int = 0, limit: int = 50) -> list[FireFacility]:
    policy.require(actor, "fire.read")
    query = select(FireFacility).where(FireFacility.id > after, FireFacility.retired_at.is_(None))
    if building:
        query = query.join(Building, Building.id == FireFacility.building_id).where(Building.code == building)
    if floor:
        query = query.where(FireFacility.floor == floor)
    if kind:
        query = query.where(FireFacility.kind == kind)
    return list(db.session.scalars(query.order_by(FireFacility.id).limit(limit)))


def history(actor, facility_id: int) -> list[dict]:
    facility(actor, facility_id)
    rows = db.session.execute(select(FireFacilityEvent, User.real_name).outerjoin(
        User, User.id == FireFacilityEvent.actor_id).where(FireFacilityEvent.facility_id == facility_id)
        .order_by(FireFacilityEvent.id)).all()
    identify = policy.can(actor, "fire.identify")
    return [{"action": e.action, "note": e.note, "at": iso(e.at), "by": name if identify else None}
            for e, name in rows]


def due_state(f: FireFacility, today: date) -> str:
    """ok, due_soon (an alert is out) or overdue (the expiry or service date has passed)."""
    dates = [d for d in (f.expires_on, f.service_due_on) if d is not None]
    if any(d < today for d in dates):
        return "overdue"
    if any(d <= common.soon(today) for d in dates):
        return "due_soon"
    return "ok"


def serialize_facility(f: FireFacility, today: date) -> dict:
    return {"id": f.id, "code": f.code, "ref": f"fire_facility:{f.id}", "building": f.building.code,
            "floor": f.floor, "kind": f.kind, "location": f.location, "model": f.model, "capacity": f.capacity,
            "expires_on": f.expires_on and f.expires_on.isoformat(),
            "service_due_on": f.service_due_on and f.service_due_on.isoformat(),
            "condition": f.condition, "due": due_state(f, today), "retired": f.retired_at is not None}


def label_url(code: str) -> str:
    base = current_app.config.get("FIRE_LABEL_BASE_URL") or ""
    return f"{base}/fire/f/{code}"


# ---- routes and plans ---------------------------------------------------------------------------

def create_route(actor, data: dict) -> FireRoute:
    policy.require(actor, "fire.manage")
    name = common.text(data.get("name"), "name", 80)
    ids = data.get("facility_ids")
    if not isinstance(ids, list) or not ids or len(ids) > 5000 or len(set(map(str, ids))) != len(ids):
        raise Invalid(_("List the facilities of the route, each once."), field="facility_ids")
    ids = [common.ident(i, "facility_ids") for i in ids]
    known = set(db.session.scalars(select(FireFacility.id).where(FireFacility.id.in_(ids),
                                                                 FireFacility.retired_at.is_(None))))
    if known != set(ids):
        raise Invalid(_("A facility of the route does not exist."), field="facility_ids")
    place = data.get("building")
    route = FireRoute(name=name, building_id=common.building(place).id if place else None)
    db.session.add(route)
    db.session.flush()
    db.session.execute(insert(FireRouteStop), [{"route_id": route.id, "facility_id": f, "position": n}
                                               for n, f in enumerate(ids)])
    audit.record(actor, "fire.route_create", f"fire_route:{route.id}", {"stops": len(ids)})
    db.session.commit()
    return route


def create_plan(actor, data: dict) -> FirePlan:
    policy.require(actor, "fire.manage")
    route = db.session.get(FireRoute, common.ident(data.get("route_id"), "route_id"))
    if route is None:
        raise Invalid(_("No such route."), field="route_id")
    plan = FirePlan(route_id=route.id, frequency=common.choice(data.get("frequency"), "frequency", FREQUENCIES))
    db.session.add(plan)
    db.session.flush()
    audit.record(actor, "fire.plan_create", f"fire_plan:{plan.id}", {"frequency": plan.frequency})
    db.session.commit()
    return plan


def routes(actor) -> list[dict]:
    policy.require(actor, "fire.read")
    counts = dict(db.session.execute(select(FireRouteStop.route_id, func.count()).group_by(FireRouteStop.route_id)))
    return [{"id": r.id, "name": r.name, "stops": counts.get(r.id, 0)}
            for r in db.session.scalars(select(FireRoute).order_by(FireRoute.id))]


def plans(actor) -> list[dict]:
    policy.require(actor, "fire.read")
    return [{"id": p.id, "route_id": p.route_id, "route": p.route.name, "frequency": p.frequency,
             "active": p.active} for p in db.session.scalars(select(FirePlan).order_by(FirePlan.id))]


def period_of(frequency: str, now: datetime) -> tuple[str, datetime, datetime]:
    """The period a moment falls in, in the estate's calendar: its key, when it starts and when it is due."""
    today = common.local_date(now)
    if frequency == "daily":
        start, end, key = today, today + timedelta(days=1), today.isoformat()
    elif frequency == "weekly":
        start = today - timedelta(days=today.weekday())
        year, week, _day = today.isocalendar()
        end, key = start + timedelta(days=7), f"{year}-W{week:02d}"
    elif frequency == "monthly":
        start = today.replace(day=1)
        end, key = date(start.year + (start.month == 12), start.month % 12 + 1, 1), start.strftime("%Y-%m")
    else:
        start, end, key = today.replace(month=1, day=1), date(today.year + 1, 1, 1), str(today.year)
    return key, common.utc_start(start), common.utc_start(end)


# ---- rounds: made by the jobs, walked by the staff ------------------------------------------------

def generate_rounds(now: datetime) -> int:
    """Each active plan's round for the current period, with one task per stop; a second run (or a second
    runner at the same moment) finds the round there and adds nothing."""
    made = 0
    stops: dict[int, list] = {}
    for plan in list(db.session.scalars(select(FirePlan).where(FirePlan.active.is_(True)))):
        key, starts, due = period_of(plan.frequency, now)
        if db.session.scalar(select(FireRound.id).where(FireRound.plan_id == plan.id, FireRound.period == key)):
            continue
        if plan.route_id not in stops:
            stops[plan.route_id] = db.session.execute(
                select(FireRouteStop.facility_id, FireRouteStop.position).join(
                    FireFacility, FireFacility.id == FireRouteStop.facility_id)
                .where(FireRouteStop.route_id == plan.route_id, FireFacility.retired_at.is_(None))).all()
        try:
            with db.session.begin_nested():
                found = FireRound(plan_id=plan.id, period=key, starts_at=starts, due_at=due, status="open")
                db.session.add(found)
                db.session.flush()
                if stops[plan.route_id]:
                    db.session.execute(insert(FireTask), [
                        {"round_id": found.id, "facility_id": f, "position": p} for f, p in stops[plan.route_id]])
        except IntegrityError:  # another runner made it first
            continue
        made += 1
    db.session.commit()
    return made


def mark_overdue(now: datetime) -> int:
    """Rounds past their due time with a facility unchecked: one conditional update, safe to repeat."""
    result = db.session.execute(update(FireRound).where(FireRound.status == "open", FireRound.due_at <= now)
                                .values(status="overdue"))
    db.session.commit()
    return result.rowcount


def rounds(actor, *, status: str | None = None, before: int | None = None, limit: int = 50) -> list[dict]:
    policy.require(actor, "fire.read")
    query = select(FireRound).order_by(FireRound.id.desc()).limit(limit)
    if status:
        query = query.where(FireRound.status == common.choice(status, "status", ("open", "done", "overdue")))
    if before:
        query = query.where(FireRound.id < before)
    found = list(db.session.scalars(query))
    counts = _task_counts([r.id for r in found])
    return [serialize_round(r, counts.get(r.id, (0, 0))) for r in found]


def _task_counts(round_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not round_ids:
        return {}
    rows = db.session.execute(select(FireTask.round_id, func.count(), func.count(FireTask.result))
                              .where(FireTask.round_id.in_(round_ids)).group_by(FireTask.round_id))
    return {r: (total, done) for r, total, done in rows}


def serialize_round(r: FireRound, counts: tuple[int, int]) -> dict:
    return {"id": r.id, "plan_id": r.plan_id, "route": r.plan.route.name, "frequency": r.plan.frequency,
            "period": r.period, "starts_at": iso(r.starts_at), "due_at": iso(r.due_at), "status": r.status,
            "done_at": iso(r.done_at), "on_time": r.done_at is not None and r.done_at <= r.due_at,
            "tasks": counts[0], "checked": counts[1]}


def round_page(actor, round_id: int) -> dict:
    policy.require(actor, "fire.read", hide=True)
    found = db.session.get(FireRound, round_id)
    if found is None:
        raise NotFound(_("Not found."))
    today = common.local_date(utcnow())
    rows = db.session.execute(select(FireTask, FireFacility).join(FireFacility, FireFacility.id ==
                                                                  FireTask.facility_id)
                              .where(FireTask.round_id == round_id).order_by(FireTask.position)).all()
    tasks = [{"id": t.id, "result": t.result, "note": t.note, "checked_at": iso(t.checked_at),
              "facility": serialize_facility(f, today)} for t, f in rows]
    data = serialize_round(found, (len(tasks), sum(1 for t in tasks if t["result"])))
    data["task_list"] = tasks
    data["can_check"] = policy.can(actor, "fire.manage") and found.status != "done"
    return data


def open_tasks_for(actor, f: FireFacility) -> list[dict]:
    """The rounds in which this facility still waits to be checked (what a scan of its label offers)."""
    policy.require(actor, "fire.manage")
    rows = db.session.execute(select(FireTask, FireRound).join(FireRound, FireRound.id == FireTask.round_id)
                              .where(FireTask.facility_id == f.id, FireTask.result.is_(None),
                                     FireRound.status.in_(("open", "overdue"))).order_by(FireRound.due_at)).all()
    return [{"round_id": r.id, "route": r.plan.route.name, "period": r.period, "status": r.status,
             "due_at": iso(r.due_at)} for _t, r in rows]


def check(actor, round_id: int, data: dict) -> FireTask:
    """Check in at one facility of a round (found by its label code or id): OK, or a defect with a note and
    optionally a photo. A defect marks the facility defective and opens a repair request."""
    policy.require(actor, "fire.manage")
    found = db.session.get(FireRound, round_id)
    if found is None:
        raise NotFound(_("Not found."))
    code, facility_id = data.get("facility_code"), data.get("facility_id")
    where = FireFacility.code == code if isinstance(code, str) and code else \
        FireFacility.id == common.ident(facility_id, "facility_id")
    task = db.session.scalar(select(FireTask).join(FireFacility, FireFacility.id == FireTask.facility_id)
                             .where(FireTask.round_id == round_id, where))
    if task is None:
        raise Invalid(_("This facility is not on the round."), field="facility_code")
    result = common.choice(data.get("result"), "result", RESULTS)
    note = common.text(data.get("note"), "note", 500, required=result == "defect")
    photo = common.own_photo(actor, data.get("attachment_id"))
    if found.status == "done" or task.result is not None:
        raise Conflict(_("This facility has already been checked in this round."))
    now = utcnow()
    done = db.session.execute(update(FireTask).where(FireTask.id == task.id, FireTask.result.is_(None)).values(
        result=result, note=note, checker_id=actor.id, checked_at=now))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This facility has already been checked in this round."))
    target = db.session.get(FireFacility, task.facility_id)
    defect = None
    if result == "defect":
        target.condition = "defective"
        defect = FireDefect(facility_id=target.id, task_id=task.id, reporter_id=actor.id, description=note,
                            attachment_id=photo, created_at=now)
        db.session.add(defect)
    _event(target.id, actor, "checked_ok" if result == "ok" else "defect", note)
    left = db.session.scalar(select(func.count()).select_from(FireTask).where(
        FireTask.round_id == round_id, FireTask.result.is_(None)))
    if left == 0:
        found.status, found.done_at = "done", now
    audit.record(actor, "fire.check", f"fire_round:{round_id}", {"facility": target.id, "result": result})
    db.session.commit()
    if defect is not None:
        open_repair(actor, defect.id)
    return task


# ---- defects and their repair requests ------------------------------------------------------------

def open_repair(actor, defect_id: int) -> int | None:
    """File the defect's repair request at the front desk (department engineering), exactly once: whoever
    sets the claim files it. Refused filings (the desk's rate limit, say) release the claim for the jobs
    to retry. Answers the ticket id, or None while it is still pending."""
    now = utcnow()
    claimed = db.session.execute(update(FireDefect).where(
        FireDefect.id == defect_id, FireDefect.ticket_id.is_(None),
        (FireDefect.ticket_claimed_at.is_(None)) | (FireDefect.ticket_claimed_at < now - CLAIM_STALE))
        .values(ticket_claimed_at=now))
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    defect = db.session.get(FireDefect, defect_id)
    f = defect.facility
    place = _("Building %(b)s, floor %(f)s: %(where)s", b=f.building.code, f=f.floor, where=f.location)
    try:
        ticket = desk.file_ticket(actor, "repair", {
            "category": "common_facilities", "common_area": place[:120],
            "description": _("Fire facility defect %(ref)s (%(code)s): %(text)s", ref=f"fire_defect:{defect.id}",
                             code=f.code, text=defect.description)[:2000],
            "attachments": [defect.attachment_id] if defect.attachment_id else []})
    except AppError:
        db.session.rollback()
        db.session.execute(update(FireDefect).where(FireDefect.id == defect_id).values(ticket_claimed_at=None))
        db.session.commit()
        return None
    ticket_id = ticket.id
    db.session.execute(update(FireDefect).where(FireDefect.id == defect_id).values(ticket_id=ticket_id))
    db.session.commit()
    try:  # filed and recorded: a failed triage leaves it submitted for the desk, never files it again
        desk.accept(actor, "repair", ticket_id, {"department": "engineering",
                                                 "worker": current_app.config.get("FIRE_REPAIR_WORKER")
                                                 or _("Engineering on duty")})
    except AppError:
        db.session.rollback()
    return ticket_id


def retry_repairs(now: datetime) -> int:
    """Defects whose repair request could not be filed at the check-in: try again as the person who found it."""
    pending = db.session.execute(select(FireDefect.id, FireDefect.reporter_id).where(
        FireDefect.ticket_id.is_(None), FireDefect.status == "open",
        (FireDefect.ticket_claimed_at.is_(None)) | (FireDefect.ticket_claimed_at < now - CLAIM_STALE))).all()
    filed = 0
    for defect_id, reporter_id in pending:
        reporter = db.session.get(User, reporter_id)
        if reporter is not None and policy.can(reporter, "fire.manage"):
            filed += open_repair(reporter, defect_id) is not None
    return filed


def defect(actor, defect_id: int) -> FireDefect:
    policy.require(actor, "fire.read", hide=True)
    found = db.session.get(FireDefect, defect_id)
    if found is None:
        raise NotFound(_("Not found."))
    return found


def defect_for_task(task_id: int) -> FireDefect | None:
    return db.session.scalar(select(FireDefect).where(FireDefect.task_id == task_id))


def defects(actor, *, status: str | None = None, limit: int = 100) -> list[dict]:
    policy.require(actor, "fire.read")
    query = select(FireDefect).order_by(FireDefect.id.desc()).limit(limit)
    if status:
        query = query.where(FireDefect.status == common.choice(status, "status", ("open", "repaired")))
    today = common.local_date(utcnow())
    return [serialize_defect(d, today) for d in db.session.scalars(query)]


def mark_repaired(actor, defect_id: int, data: dict) -> FireDefect:
    found = defect(actor, defect_id)
    policy.require(actor, "fire.manage")
    note = common.text(data.get("note"), "note", 500, required=False)
    if found.status != "open":
        raise Conflict(_("This defect is already repaired."))
    found.status, found.repaired_at = "repaired", utcnow()
    others = db.session.scalar(select(func.count()).select_from(FireDefect).where(
        FireDefect.facility_id == found.facility_id, FireDefect.status == "open", FireDefect.id != found.id))
    if not others:
        found.facility.condition = "ok"
    _event(found.facility_id, actor, "repaired", note)
    audit.record(actor, "fire.defect_repaired", f"fire_defect:{found.id}", {})
    db.session.commit()
    return found


def serialize_defect(d: FireDefect, today: date) -> dict:
    return {"id": d.id, "ref": f"fire_defect:{d.id}", "facility": serialize_facility(d.facility, today),
            "description": d.description, "status": d.status, "ticket_id": d.ticket_id,
            "repair": "filed" if d.ticket_id else "pending", "photo": d.attachment_id is not None,
            "created_at": iso(d.created_at), "repaired_at": iso(d.repaired_at)}
