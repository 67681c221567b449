"""Reports from users, and the automatic hiding they trigger."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..boards.models import Post, Thread
from ..chat.models import Message
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound
from ..core.timeutil import iso
from ..extensions import db, socketio
from ..rules import services as rules
from .models import Report

# What can be reported: kind -> the model whose rows are the targets.
TARGETS = {"post": Post, "thread": Thread, "message": Message, "user": User}
HIDEABLE = {"post", "thread", "message"}


def parse_target(target) -> tuple[str, int]:
    if isinstance(target, str) and ":" in target:
        kind, _sep, raw = target.partition(":")
        if kind in TARGETS and raw.isdigit():
            return kind, int(raw)
    raise Invalid(_("Name what you report as post:ID, thread:ID, message:ID or user:ID."), field="target")


def resolve(actor, kind: str, target_id: int):
    """The reported row, if it exists and the actor may see it; otherwise 404."""
    row = db.session.get(TARGETS[kind], target_id)
    if row is None:
        raise NotFound(_("Not found."))
    if kind == "user":
        if row.status != "approved" and not policy.is_staff(actor):
            raise NotFound(_("Not found."))
    elif not policy.can(actor, "content.view", row):
        raise NotFound(_("Not found."))
    elif kind == "message":
        from ..chat.services import parse_room
        if not policy.can(actor, "chat.read", parse_room(row.room)):
            raise NotFound(_("Not found."))
    return row


def report(actor, target, clause, note=None) -> Report:
    policy.require(actor, "report.create")
    kind, target_id = parse_target(target)
    row = resolve(actor, kind, target_id)
    current = rules.current()
    clauses = {c["id"] for c in current.clauses} if current else set()
    if not isinstance(clause, str) or clause not in clauses:
        raise Invalid(_("Cite a clause of the current rules."), field="clause")
    if note is not None and (not isinstance(note, str) or len(note) > 1000):
        raise Invalid(_("The note must be text of at most 1000 characters."), field="note")
    key = f"{kind}:{target_id}"
    if db.session.scalar(select(Report.id).where(Report.reporter_id == actor.id, Report.target == key)):
        raise Conflict(_("You have already reported this."))
    new = Report(reporter_id=actor.id, target=key, clause=clause, note=(note or "").strip() or None)
    db.session.add(new)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("You have already reported this.")) from None
    if kind in HIDEABLE and row.status == "visible":
        threshold = int((current.policy or {}).get("auto_hide_reports") or 0)
        reporters = db.session.scalar(select(func.count(func.distinct(Report.reporter_id))).where(
            Report.target == key, Report.status == "open"))
        if threshold and reporters >= threshold:
            row.status = "hidden"
            audit.record(None, "content.auto_hidden", key, {"reports": reporters, "clause": clause})
    db.session.commit()
    if kind == "message" and row.status == "hidden":
        socketio.emit("message_removed", {"id": row.id, "room": row.room}, to=row.room)
    return new


def serialize_report(r: Report) -> dict:
    return {"id": r.id, "target": r.target, "clause": r.clause, "note": r.note, "status": r.status,
            "created_at": iso(r.created_at)}
