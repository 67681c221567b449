"""Owners' hazard reports and the escalation ladder the provincial rules ask for:
acknowledged → the person responsible asked to remove it → re-checked → cleared (closed) or still there →
reported to the fire authority or police → closed. The reporter sees every step; no other owner sees who
reported; a spot reported before is flagged."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from ..accounts import services as accounts
from ..accounts.models import User
from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import common
from .models import FireHazard, FireHazardStep

KINDS = ("blocked_fire_lane", "blocked_escape_route", "ebike_charging", "extinguisher_missing", "fire_door_locked",
         "other")
# step -> (statuses it may follow, status it leads to); a re-check leads to "closed" or "remains".
LADDER = {
    "acknowledge": (("reported",), "acknowledged"),
    "ask": (("acknowledged",), "asked"),
    "recheck": (("asked",), None),
    "report_authority": (("remains",), "reported_to_authority"),
    "close": (("reported_to_authority",), "closed"),
}
AUTHORITIES = ("fire", "police")
REPEAT_WINDOW = timedelta(days=365)
OPEN = ("reported", "acknowledged", "asked", "remains", "reported_to_authority")


def spot_key(spot: str) -> str:
    """The same place, however it was typed: no spaces or punctuation, lower case."""
    return re.sub(r"[\s\W_]+", "", spot).lower()[:120]


def report(actor, data: dict) -> FireHazard:
    policy.require(actor, "fire.hazard_report")
    accounts.require_writer(actor)
    place = common.building(data.get("building"))
    kind = common.choice(data.get("kind"), "kind", KINDS)
    spot = common.text(data.get("spot"), "spot", 120)
    description = common.text(data.get("description"), "description", 2000)
    photo = common.own_photo(actor, data.get("attachment_id"))
    now = utcnow()
    key = spot_key(spot)
    earlier = db.session.scalar(select(func.count()).select_from(FireHazard).where(
        FireHazard.building_id == place.id, FireHazard.spot_key == key,
        FireHazard.created_at > now - REPEAT_WINDOW))
    found = FireHazard(reporter_id=actor.id, building_id=place.id, kind=kind, spot=spot, spot_key=key,
                       description=description, attachment_id=photo, earlier=earlier, status="reported",
                       created_at=now)
    db.session.add(found)
    db.session.flush()
    db.session.add(FireHazardStep(hazard_id=found.id, actor_id=actor.id, step="reported", at=now))
    common.notify(db.session.scalars(select(User.id).where(User.role.in_(policy.STAFF),
                                                                    User.status == "approved")),
                  "fire_hazard", f"fire_hazard:{found.id}", {"step": "reported"})
    db.session.commit()
    return found


def hazard(actor, hazard_id: int) -> FireHazard:
    policy.require_member(actor)
    found = db.session.get(FireHazard, hazard_id)
    if found is None or not policy.can(actor, "fire.hazard_view", found):
        raise NotFound(_("Not found."))
    return found


def advance(actor, hazard_id: int, step: str, data: dict) -> FireHazard:
    """Record the next rung. ``ask`` says whom and how; ``recheck`` says whether it is ``cleared``;
    ``report_authority`` names the ``authority`` (fire or police)."""
    found = hazard(actor, hazard_id)
    policy.require(actor, "fire.manage")
    if step not in LADDER:
        raise NotFound(_("Not found."))
    allowed, leads_to = LADDER[step]
    note = common.text(data.get("note"), "note", 1000, required=step in ("ask", "report_authority"))
    if step == "recheck":
        cleared = data.get("cleared")
        if not isinstance(cleared, bool):
            common.choice(cleared, "cleared", ("true", "false"))
        leads_to = "closed" if cleared else "remains"
    if step == "report_authority":
        authority = common.choice(data.get("authority"), "authority", AUTHORITIES)
    if found.status not in allowed:
        raise Conflict(_("This report is at another step now."), status_now=found.status)
    now = utcnow()
    found.status = leads_to
    if leads_to == "closed":
        found.closed_at = now
    if step == "recheck":
        recorded = "rechecked_cleared" if leads_to == "closed" else "rechecked_remains"
    else:
        recorded = f"reported_to_{authority}" if step == "report_authority" else leads_to
    db.session.add(FireHazardStep(hazard_id=found.id, actor_id=actor.id, step=recorded, note=note, at=now))
    common.notify([found.reporter_id], "fire_hazard", f"fire_hazard:{found.id}", {"step": step})
    audit.record(actor, f"fire.hazard_{step}", f"fire_hazard:{found.id}", {"status": leads_to})
    db.session.commit()
    return found


def hazards(actor, *, scope: str = "mine", status: str | None = None, limit: int = 100) -> list[dict]:
    """The caller's own reports, or (``all``) every report for the overseers, repeated spots flagged."""
    policy.require_member(actor)
    query = select(FireHazard).order_by(FireHazard.id.desc()).limit(limit)
    if scope == "all":
        policy.require(actor, "fire.read")
    else:
        query = query.where(FireHazard.reporter_id == actor.id)
    if status == "open":
        query = query.where(FireHazard.status.in_(OPEN))
    elif status:
        query = query.where(FireHazard.status == common.choice(status, "status", (*OPEN, "closed")))
    rows = list(db.session.scalars(query))
    return [serialize(h, actor) for h in rows]


def serialize(h: FireHazard, viewer, *, full: bool = False) -> dict:
    data = {"id": h.id, "kind": h.kind, "building": h.building.code, "spot": h.spot, "status": h.status,
            "repeated": h.earlier > 0, "earlier_reports": h.earlier, "created_at": iso(h.created_at),
            "closed_at": iso(h.closed_at), "mine": h.reporter_id == viewer.id, "photo": h.attachment_id is not None}
    if full:
        data["description"] = h.description
        identify = policy.can(viewer, "fire.identify")
        data["reporter"] = _reporter(h, viewer) if identify or h.reporter_id == viewer.id else None
        data["steps"] = [{"step": s.step, "note": s.note, "at": iso(s.at)} for s in h.steps]
        data["next_steps"] = [name for name, (allowed, _to) in LADDER.items() if h.status in allowed] \
            if policy.can(viewer, "fire.manage") else []
    return data


def _reporter(h: FireHazard, viewer) -> dict:
    person = db.session.get(User, h.reporter_id)
    card = {"id": person.id, "display_name": person.display_name}
    if policy.personal_view(viewer, person) == "full":
        card.update(real_name=person.real_name, phone=person.phone)
    return card
