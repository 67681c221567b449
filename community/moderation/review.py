"""The staff's review queue: open reports grouped by what they are about, held and auto-hidden content, and
claims that keep two staff members from handling the same item."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..boards.models import Post, Thread
from ..chat.models import Message
from ..core import policy
from ..core.errors import Conflict, NotFound
from ..core.timeutil import iso, utcnow
from ..extensions import db
from .models import QueueClaim, Report
from .services import HIDEABLE, TARGETS, _row, parse_target, preview

CLAIM_MINUTES = 15


def queue(actor) -> list[dict]:
    """Open reports grouped by target, plus held content and auto-hidden content awaiting a decision."""
    policy.require(actor, "moderation.read")
    reports = list(db.session.scalars(select(Report).where(Report.status == "open").order_by(Report.id)))
    items: dict[str, dict] = {}
    for r in reports:
        item = items.setdefault(r.target, {"target": r.target, "reports": 0, "reporters": [], "clauses": [],
                                           "notes": [], "first_reported_at": iso(r.created_at)})
        item["reports"] += 1
        item["reporters"].append(r.reporter_id)
        if r.clause not in item["clauses"]:
            item["clauses"].append(r.clause)
        if r.note:
            item["notes"].append(r.note)
    for model, kind in ((Thread, "thread"), (Post, "post"), (Message, "message")):
        for row in db.session.scalars(select(model).where(model.status == "held").order_by(model.id).limit(200)):
            if kind == "post" and row.opening:
                continue
            items.setdefault(f"{kind}:{row.id}", {"target": f"{kind}:{row.id}", "reports": 0, "reporters": [],
                                                  "clauses": [], "notes": [], "first_reported_at": None})
    claims = {c.target: c for c in db.session.scalars(select(QueueClaim).where(QueueClaim.target.in_(list(items))))}
    fresh = utcnow() - timedelta(minutes=CLAIM_MINUTES)
    result = []
    for key, item in items.items():
        kind, target_id = parse_target(key)
        row = db.session.get(TARGETS[kind], target_id)
        if row is None:
            continue
        claim = claims.get(key)
        item.update({
            "kind": kind, "status": getattr(row, "status", None), "preview": preview(kind, row),
            "author_id": getattr(row, "author_id", None) if kind != "user" else row.id,
            "held": getattr(row, "status", None) == "held",
            "auto_hidden": kind in HIDEABLE and row.status == "hidden",
            "claimed_by": claim.staff_id if claim and claim.claimed_at > fresh else None,
        })
        result.append(item)
    return sorted(result, key=lambda i: (-i["reports"], i["target"]))


def claim(actor, target) -> dict:
    policy.require(actor, "moderation.act")
    kind, target_id = parse_target(target)
    if _row(kind, target_id) is None:
        raise NotFound(_("Not found."))
    key = f"{kind}:{target_id}"
    existing = db.session.get(QueueClaim, key)
    now = utcnow()
    if existing is not None and existing.staff_id != actor.id and \
            existing.claimed_at > now - timedelta(minutes=CLAIM_MINUTES):
        raise Conflict(_("Another staff member is handling this."), claimed_by=existing.staff_id)
    if existing is None:
        db.session.add(QueueClaim(target=key, staff_id=actor.id, claimed_at=now))
    else:
        existing.staff_id, existing.claimed_at = actor.id, now
    audit.record(actor, "moderation.claimed", key, {})
    db.session.commit()
    return {"target": key, "claimed_by": actor.id, "until": iso(now + timedelta(minutes=CLAIM_MINUTES))}
