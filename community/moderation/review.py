"""The staff's review queue: open reports grouped by what they are about, held and auto-hidden content, and
claims that keep two staff members from handling the same item."""

from datetime import timedelta

from sqlalchemy import select

from ..audit import services as audit
from ..boards.models import Post, Thread
from ..chat.models import Message
from ..core import policy
from ..core.errors import Conflict, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from .models import ModerationAction, QueueClaim, Report
from .services import HIDEABLE, TARGETS, _row, parse_target, preview

CLAIM_MINUTES = 15


QUEUE_REPORTS = 1000  # open reports read for one page of the queue (oldest first): the queue is worked, not read


def queue(actor) -> list[dict]:
    """Open reports grouped by target, plus held content and auto-hidden content awaiting a decision. A fixed
    number of statements however long the queue: the reports, the held rows of each kind, the claims and the
    reported rows of each kind, in one query each."""
    policy.require(actor, "moderation.read")
    reports = db.session.execute(select(Report.target, Report.reporter_id, Report.clause, Report.reason,
                                        Report.note, Report.created_at)
                                 .where(Report.status == "open").order_by(Report.id).limit(QUEUE_REPORTS)).all()
    items: dict[str, dict] = {}
    for r in reports:
        item = items.setdefault(r.target, {"target": r.target, "reports": 0, "reporters": [], "clauses": [],
                                           "reasons": [], "notes": [], "first_reported_at": iso(r.created_at)})
        item["reports"] += 1
        item["reporters"].append(r.reporter_id)
        if r.clause and r.clause not in item["clauses"]:
            item["clauses"].append(r.clause)
        if r.reason and r.reason not in item["reasons"]:
            item["reasons"].append(r.reason)
        if r.note:
            item["notes"].append(r.note)
    rows: dict[str, object] = {}
    for model, kind in ((Thread, "thread"), (Post, "post"), (Message, "message")):
        for row in db.session.scalars(select(model).where(model.status == "held").order_by(model.id).limit(200)):
            if kind == "post" and row.opening:
                continue
            key = f"{kind}:{row.id}"
            rows[key] = row
            items.setdefault(key, {"target": key, "reports": 0, "reporters": [], "clauses": [], "reasons": [],
                                   "notes": [], "first_reported_at": None})
    rows |= _rows(key for key in items if key not in rows)
    claims = {c.target: c for c in db.session.scalars(select(QueueClaim).where(QueueClaim.target.in_(list(items))))}
    fresh = utcnow() - timedelta(minutes=CLAIM_MINUTES)
    result = []
    for key, item in items.items():
        row = rows.get(key)
        if row is None:
            continue
        kind = key.partition(":")[0]
        claim = claims.get(key)
        item.update({
            "kind": kind, "status": getattr(row, "status", None), "preview": preview(kind, row),
            "author_id": getattr(row, "author_id", None) if kind != "user" else row.id,
            "held": getattr(row, "status", None) == "held",
            "auto_hidden": kind in HIDEABLE and row.status == "hidden",
            "claimed_by": claim.staff_id if claim and claim.claimed_at > fresh else None,
        })
        if kind == "thread":
            item.update(locked=row.locked, pinned=row.pinned)
        result.append(item)
    return sorted(result, key=lambda i: (-i["reports"], i["target"]))


def _rows(keys) -> dict[str, object]:
    """The rows that ``kind:id`` keys name, one query per kind."""
    wanted: dict[str, list[int]] = {}
    for key in keys:
        kind, target_id = parse_target(key)
        wanted.setdefault(kind, []).append(target_id)
    found = {}
    for kind, ids in wanted.items():
        model = TARGETS[kind]
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[f"{kind}:{row.id}"] = row
    return found


def hidden(actor) -> list[dict]:
    """Hidden content with who hid it and under which clause (no record: hidden by reports). Four statements
    however many rows: the hidden rows of each kind, then the last hiding of each in one query."""
    policy.require(actor, "moderation.read")
    rows = []
    for model, kind in ((Thread, "thread"), (Post, "post"), (Message, "message")):
        rows += [(f"{kind}:{row.id}", kind, row) for row in db.session.scalars(
            select(model).where(model.status == "hidden").order_by(model.id.desc()).limit(200))]
    last = {}
    if rows:
        for a in db.session.scalars(select(ModerationAction).where(
                ModerationAction.target.in_([key for key, _kind, _row in rows]), ModerationAction.action == "hide")
                .order_by(ModerationAction.id)):
            last[a.target] = a  # in id order: the latest hiding of each target stays
    result = []
    for key, kind, row in rows:
        found = last.get(key)
        result.append({"target": key, "preview": preview(kind, row), "author_id": row.author_id,
                       "hidden_by": found.actor_id if found else None, "clause": found.clause if found else None,
                       "reason": found.reason if found else _("Hidden automatically after reports")})
    return result


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
