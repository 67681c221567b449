"""Moderation: reports and the automatic hiding they trigger, the review queue, actions on content,
sanctions on people, appeals, and what the committee reads of all of it."""

import statistics
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..boards import services as boards
from ..boards.models import Post, Thread
from ..chat import live as chat_live
from ..chat import services as chat
from ..chat.models import Message
from ..core import policy, sanitize
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from ..notifications import services as notifications
from ..rules import reasons
from ..rules import services as rules
from . import sanctions
from .models import Appeal, ModerationAction, ModeratorNote, QueueClaim, Report, Sanction

# What can be reported: kind -> the model whose rows are the targets.
TARGETS = {"post": Post, "thread": Thread, "message": Message, "user": User}
HIDEABLE = {"post", "thread", "message"}


def parse_target(target) -> tuple[str, int]:
    if isinstance(target, str) and ":" in target:
        kind, _sep, raw = target.partition(":")
        if kind in TARGETS and raw.isascii() and raw.isdigit():
            return kind, int(raw)
    raise Invalid(_("Name what you report as post:ID, thread:ID, message:ID or user:ID."), field="target")


def _row(kind: str, target_id: int):
    return db.session.get(TARGETS[kind], target_id) if is_id(target_id) else None


def resolve(actor, kind: str, target_id: int):
    """The reported row, if it exists and the actor may see it; otherwise 404."""
    row = _row(kind, target_id)
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


def report(actor, target, clause, note=None, reason=None) -> Report:
    """A report gives a reason (abuse, advertising, …) or a clause, or both; see ``rules.reasons``."""
    policy.require(actor, "report.create")
    kind, target_id = parse_target(target)
    row = resolve(actor, kind, target_id)
    current = rules.current()
    if note is not None and (not isinstance(note, str) or len(note) > 1000):
        raise Invalid(_("The note must be text of at most 1000 characters."), field="note")
    try:
        reason, clause = reasons.resolve(current.clauses if current else [], reason, clause)
    except ValueError as error:
        raise Invalid(_("Choose one of the reasons offered.") if str(error) == "reason"
                      else _("Cite a clause of the current rules."), field=str(error)) from None
    if clause is None and not (note or "").strip():
        raise Invalid(_("Say what is wrong, or choose the rule it breaks."), field="note")
    key = f"{kind}:{target_id}"
    if db.session.scalar(select(Report.id).where(Report.reporter_id == actor.id, Report.target == key)):
        raise Conflict(_("You have already reported this."))
    new = Report(reporter_id=actor.id, target=key, clause=clause, reason=reason, note=(note or "").strip() or None)
    db.session.add(new)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("You have already reported this.")) from None
    if policy.is_staff(actor):
        audit.record(actor, "report.created", key, {"report_id": new.id, "clause": clause, "reason": reason})
    if kind in HIDEABLE and row.status == "visible":
        threshold = int((current.policy or {}).get("auto_hide_reports") or 0)
        reporters = db.session.scalar(select(func.count(func.distinct(Report.reporter_id))).where(
            Report.target == key, Report.status == "open"))
        if threshold and reporters >= threshold:
            row.status = "hidden"
            audit.record(None, "content.auto_hidden", key, {"reports": reporters, "clause": clause})
            if kind == "message":
                chat_live.removed(row)
    db.session.commit()
    return new


def serialize_report(r: Report) -> dict:
    return {"id": r.id, "target": r.target, "clause": r.clause, "reason": r.reason, "note": r.note,
            "status": r.status, "created_at": iso(r.created_at)}


# ---- moderators' actions ----------------------------------------------------------------------

CONTENT_ACTIONS = {"approve", "hide", "restore", "lock", "unlock", "pin", "unpin"}
SANCTIONS = {"warn", "mute", "suspend", "blacklist"}
ACTIONS = CONTENT_ACTIONS | SANCTIONS | {"lift", "dismiss"}  # dismiss: the reports, content untouched
MAX_HOURS = 24 * 365 * 5


def _snapshot(kind: str, row) -> dict:
    if kind == "post":
        return {"body": row.body, "status": row.status, "author_id": row.author_id, "thread_id": row.thread_id}
    if kind == "thread":
        return {"title": row.title, "status": row.status, "author_id": row.author_id, "locked": row.locked,
                "pinned": row.pinned}
    if kind == "message":
        return {"body": row.body, "status": row.status, "author_id": row.author_id, "room": row.room}
    return {"display_name": row.display_name, "status": row.status, "muted_until": iso(row.muted_until)}


def _clause(clause, required: bool) -> str | None:
    if clause is None and not required:
        return None
    current = rules.current()
    if not isinstance(clause, str) or clause not in {c["id"] for c in (current.clauses if current else [])}:
        raise Invalid(_("Cite a clause of the current rules."), field="clause")
    return clause


def _reason(reason, required: bool) -> str | None:
    if reason is None or (isinstance(reason, str) and not reason.strip()):
        if required:
            raise Invalid(_("Give a reason."), field="reason")
        return None
    if not isinstance(reason, str) or len(reason) > 1000:
        raise Invalid(_("The reason must be text of at most 1000 characters."), field="reason")
    return reason.strip()


def _hours(hours, required: bool) -> int | None:
    if hours is None and not required:
        return None
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_HOURS:
        raise Invalid(_("Give the duration in whole hours."), field="hours")
    return hours


def act(actor, data: dict) -> tuple[ModerationAction, Sanction | None]:
    """One moderation action, audited with a snapshot of what it acted on."""
    policy.require(actor, "moderation.act")
    if not isinstance(data, dict):
        raise Invalid(_("Send a JSON object."), field="body")
    action = data.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        raise Invalid(_("Unknown action."), field="action")
    if action == "lift":
        return _lift(actor, data)
    kind, target_id = parse_target(data.get("target"))
    row = _row(kind, target_id)
    if row is None:
        raise NotFound(_("Not found."))
    sanction_kind = action in SANCTIONS
    clause = _clause(data.get("clause"), required=sanction_kind)
    reason = _reason(data.get("reason"), required=sanction_kind)
    snapshot = _snapshot(kind, row)
    sanction = None
    key = f"{kind}:{target_id}"
    if sanction_kind:
        subject = row if kind == "user" else db.session.get(User, row.author_id)
        sanction = _sanction(actor, subject, action, clause, reason, data)
    elif action == "dismiss":
        if not db.session.scalar(select(Report.id).where(Report.target == key, Report.status == "open").limit(1)):
            raise Conflict(_("There are no open reports to dismiss."))
    else:
        _apply_to_content(action, kind, row)
    record = ModerationAction(action=action, target=key, clause=clause, reason=reason, actor_id=actor.id,
                              snapshot=snapshot, sanction_id=sanction.id if sanction else None)
    db.session.add(record)
    db.session.execute(update(Report).where(Report.target == key, Report.status == "open")
                       .values(status="dismissed" if action == "dismiss" else "decided"))
    db.session.execute(delete(QueueClaim).where(QueueClaim.target == key))
    db.session.flush()
    audit.record(actor, f"moderation.{action}", key, {
        "action_id": record.id, "clause": clause, "reason": reason, "snapshot": snapshot,
        "sanction_id": sanction.id if sanction else None, "hours": data.get("hours") if sanction else None})
    _push(action, kind, row, sanction)
    db.session.commit()
    return record, sanction


def _apply_to_content(action: str, kind: str, row) -> None:
    if kind == "user":
        raise Invalid(_("This action applies to content, not to people."), field="action")
    if action in ("lock", "unlock", "pin", "unpin"):
        if kind != "thread":
            raise Invalid(_("Only threads can be locked or pinned."), field="target")
        if action in ("lock", "unlock"):
            row.locked = action == "lock"
        else:
            row.pinned = action == "pin"
        return
    wanted = {"approve": ("held",), "hide": ("visible", "held"), "restore": ("hidden",)}[action]
    if row.status not in wanted:
        raise Conflict(_("The content is not in a state this action applies to."))
    was = row.status
    row.status = "hidden" if action == "hide" else "visible"
    if kind == "post" and not row.opening:
        boards.reply_status_changed(row, was)
    # A thread and its opening post, which carries its body, are held, hidden and shown together.
    if kind == "post" and row.opening:
        db.session.get(Thread, row.thread_id).status = row.status
        opening = row
    elif kind == "thread":
        opening = db.session.scalar(select(Post).where(Post.thread_id == row.id, Post.opening.is_(True)))
        if opening is not None:
            opening.status = row.status
    else:
        opening = None
    if opening is not None:
        boards.announce(opening)


def _sanction(actor, subject: User, kind: str, clause: str, reason: str, data: dict) -> Sanction:
    from ..accounts.services import revoke_all_tokens

    if not policy.may_sanction(actor, subject):
        raise Invalid(_("Staff accounts are not sanctioned here."), field="target")
    hours = _hours(data.get("hours"), required=kind in ("mute", "suspend"))
    reentry = data.get("reentry")
    if reentry is not None and (not isinstance(reentry, str) or len(reentry) > 1000):
        raise Invalid(_("Re-entry conditions must be text."), field="reentry")
    now = utcnow()
    ends_at = now + timedelta(hours=hours) if hours else None
    if kind == "blacklist" and not reentry:
        reentry = _("Apply to the property company after %(date)s and accept the rules again.",
                    date=(ends_at or now + timedelta(days=365)).strftime("%Y-%m-%d"))
    sanction = Sanction(user_id=subject.id, kind=kind, clause=clause, reason=reason, created_by_id=actor.id,
                        created_at=now, ends_at=ends_at if kind != "warn" else None, reentry=reentry)
    db.session.add(sanction)
    db.session.flush()
    if kind == "mute":
        subject.muted_until = max(subject.muted_until or now, ends_at)
    elif kind in ("suspend", "blacklist"):
        revoke_all_tokens(subject)
        if kind == "blacklist":
            subject.status = "blacklisted"
    notifications.notify([subject.id], "sanction", target=f"sanction:{sanction.id}",
                         detail={"kind": kind, "until": iso(sanction.ends_at)}, now=now)
    return sanction


def _push(action: str, kind: str, row, sanction: Sanction | None) -> None:
    """Queue what the action changes on open screens; it is sent once the action commits."""
    if kind == "message" and action == "hide":
        chat_live.removed(row)
    elif kind == "message" and action in ("approve", "restore"):
        chat.broadcast(row)
    if sanction is not None:
        chat_live.sanctioned(sanction.user_id, {"kind": sanction.kind, "until": iso(sanction.ends_at)},
                             disconnect=sanction.kind in ("suspend", "blacklist"))


def _lift(actor, data: dict) -> tuple[ModerationAction, Sanction]:
    target = data.get("target")
    if not (isinstance(target, str) and target.startswith("sanction:") and target[9:].isascii()
            and target[9:].isdigit()):
        raise Invalid(_("Name the sanction as sanction:ID."), field="target")
    sanction = db.session.get(Sanction, int(target[9:])) if is_id(int(target[9:])) else None
    if sanction is None:
        raise NotFound(_("No such sanction."))
    if sanction.lifted_at is not None:
        raise Conflict(_("This sanction has already been lifted."))
    record = _logged_lift(actor, sanction, _reason(data.get("reason"), required=False), via_appeal=False)
    db.session.commit()
    return record, sanction


def _logged_lift(actor, sanction: Sanction, reason: str | None, *, via_appeal: bool) -> ModerationAction:
    """Lift a sanction and put it in the moderation log, whether staff lift it directly or on appeal;
    the caller commits."""
    lift(actor, sanction, reason, tell=not via_appeal)
    target = f"sanction:{sanction.id}"
    record = ModerationAction(action="lift", target=target, reason=reason, actor_id=actor.id,
                              snapshot={"kind": sanction.kind, "user_id": sanction.user_id,
                                        "until": iso(sanction.ends_at)}, sanction_id=sanction.id)
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "moderation.lift", target, {"action_id": record.id, "reason": reason,
                                                    "via_appeal": via_appeal})
    return record


def lift(actor, sanction: Sanction, reason: str | None, *, tell: bool = True) -> None:
    """End a sanction now (``tell``: notify the person; an appeal's decision tells them itself); the caller
    audits and commits."""
    now = utcnow()
    sanction.lifted_at, sanction.lifted_by_id, sanction.lift_reason = now, actor.id, reason
    subject = db.session.get(User, sanction.user_id)
    if sanction.kind == "blacklist" and subject.status == "blacklisted":
        subject.status = "approved"
    if sanction.kind == "mute":
        other = sanctions.in_force(subject.id, "mute")
        subject.muted_until = other.ends_at if other is not None and other.id != sanction.id else None
    if tell:
        notifications.notify([subject.id], "sanction_lifted", target=f"sanction:{sanction.id}", now=now)


def preview(kind: str, row) -> str:
    """What a queue or a list shows of the content (or person) it is about."""
    if kind == "thread":
        return row.title
    if kind in ("post", "message"):
        return sanitize.plain_text(row.body)[:200]
    return row.display_name


# ---- appeals ----------------------------------------------------------------------------------

def appeal(data: dict) -> Appeal:
    """Works for a suspended or blacklisted person too: they prove who they are with phone and password."""
    from ..accounts.services import authenticate
    from . import appeals

    if not isinstance(data, dict):
        raise Invalid(_("Send a JSON object."), field="body")
    user = authenticate(data.get("phone"), data.get("password"))
    return appeals.lodge(user, data.get("sanction_id"), data.get("text"))


def decide_appeal(actor, appeal_id: int, outcome, reason) -> Appeal:
    policy.require(actor, "moderation.act")
    found = db.session.get(Appeal, appeal_id)
    if found is None:
        raise NotFound(_("No such appeal."))
    if found.status != "open":
        raise Conflict(_("This appeal has already been decided."))
    if outcome not in ("upheld", "lifted"):
        raise Invalid(_("The outcome is upheld or lifted."), field="outcome")
    reason = _reason(reason, required=True)
    sanction = db.session.get(Sanction, found.sanction_id)
    found.status, found.decided_by_id, found.decided_at, found.reason = outcome, actor.id, utcnow(), reason
    if outcome == "lifted" and sanction.lifted_at is None:
        _logged_lift(actor, sanction, reason, via_appeal=True)
    notifications.notify([found.user_id], "appeal_decided", target=f"appeal:{found.id}", detail={"outcome": outcome})
    audit.record(actor, "appeal.decided", f"appeal:{found.id}", {"outcome": outcome, "reason": reason,
                                                                 "sanction_id": sanction.id})
    db.session.commit()
    return found


def appeals(actor, status: str | None = None) -> list[Appeal]:
    policy.require(actor, "moderation.read")
    query = select(Appeal).order_by(Appeal.id.desc())
    if status:
        query = query.where(Appeal.status == status)
    return list(db.session.scalars(query.limit(500)))


# ---- what the person sees, and what the committee reads ----------------------------------------

def standing(user: User) -> dict:
    rows = list(db.session.scalars(select(Sanction).where(Sanction.user_id == user.id).order_by(Sanction.id.desc())))
    current = rules.current()
    clause_text = {c["id"]: c["text"] for c in (current.clauses if current else [])}
    appealed = {a.sanction_id: a for a in db.session.scalars(
        select(Appeal).where(Appeal.sanction_id.in_([r.id for r in rows])))} if rows else {}
    now = utcnow()
    return {
        "status": user.status, "muted_until": iso(user.muted_until) if user.muted_until and user.muted_until > now
        else None,
        "sanctions": [sanctions.facts(s) | {
            "clause_text": clause_text.get(s.clause), "created_at": iso(s.created_at),
            "in_force": s.lifted_at is None and (s.ends_at is None or s.ends_at > now) and s.kind != "warn",
            "lifted_at": iso(s.lifted_at),
            "appeal": serialize_appeal(appealed[s.id]) if s.id in appealed else None} for s in rows],
        "suggestion": None,
    }


def log(actor, *, before: int | None = None, limit: int = 100) -> list[dict]:
    policy.require(actor, "moderation.read")
    query = select(ModerationAction).order_by(ModerationAction.id.desc())
    if before:
        query = query.where(ModerationAction.id < before)
    return [serialize_action(a) for a in db.session.scalars(query.limit(limit))]


def add_note(actor, user_id: int, text) -> ModeratorNote:
    policy.require(actor, "moderation.act")
    if db.session.get(User, user_id) is None:
        raise NotFound(_("No such user."))
    if not isinstance(text, str) or not text.strip() or len(text) > 2000:
        raise Invalid(_("Write a note of at most 2000 characters."), field="text")
    note = ModeratorNote(user_id=user_id, author_id=actor.id, text=text.strip())
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "moderation.note", f"user:{user_id}", {"note_id": note.id})
    db.session.commit()
    return note


def notes(actor, user_id: int) -> list[dict]:
    policy.require(actor, "moderation.read")
    return [{"id": n.id, "author_id": n.author_id, "text": n.text, "created_at": iso(n.created_at)}
            for n in db.session.scalars(select(ModeratorNote).where(ModeratorNote.user_id == user_id)
                                        .order_by(ModeratorNote.id))]


def figures(actor, month: str | None = None) -> dict:
    """Per month: reports received, median minutes from report to decision, actions per staff member,
    appeals upheld and lifted."""
    policy.require(actor, "moderation.read")
    reports = list(db.session.scalars(select(Report)))
    actions = list(db.session.scalars(select(ModerationAction)))
    all_appeals = list(db.session.scalars(select(Appeal)))
    months: dict[str, dict] = {}

    def bucket(at) -> dict:
        key = at.strftime("%Y-%m")
        return months.setdefault(key, {"month": key, "reports": 0, "handled": [], "actions_by_staff": {},
                                       "appeals_upheld": 0, "appeals_lifted": 0})

    first_action = {}
    for a in sorted(actions, key=lambda a: a.id):
        first_action.setdefault(a.target, a.created_at)
        per = bucket(a.created_at)["actions_by_staff"]
        per[str(a.actor_id)] = per.get(str(a.actor_id), 0) + 1
    for r in reports:
        b = bucket(r.created_at)
        b["reports"] += 1
        decided = first_action.get(r.target)
        if decided is not None and decided >= r.created_at:
            b["handled"].append((decided - r.created_at).total_seconds() / 60)
    for a in all_appeals:
        if a.decided_at is not None:
            bucket(a.decided_at)["appeals_upheld" if a.status == "upheld" else "appeals_lifted"] += 1
    result = []
    for key in sorted(months):
        b = months[key]
        handled = sorted(b.pop("handled"))
        b["median_minutes_to_handle"] = round(statistics.median(handled), 1) if handled else None
        result.append(b)
    if month:
        result = [m for m in result if m["month"] == month]
    return {"months": result}


def serialize_action(a: ModerationAction) -> dict:
    return {"id": a.id, "action": a.action, "target": a.target, "clause": a.clause, "reason": a.reason,
            "actor_id": a.actor_id, "created_at": iso(a.created_at), "snapshot": a.snapshot,
            "sanction_id": a.sanction_id}


def serialize_appeal(a: Appeal) -> dict:
    return {"id": a.id, "sanction_id": a.sanction_id, "user_id": a.user_id, "text": a.text, "status": a.status,
            "created_at": iso(a.created_at), "decided_at": iso(a.decided_at), "reason": a.reason}


def serialize_sanction(s: Sanction) -> dict:
    return sanctions.facts(s) | {"user_id": s.user_id, "created_at": iso(s.created_at),
                                 "lifted_at": iso(s.lifted_at)}
