"""The front desk: notices with receipts, tickets tracked to the return visit, surveys and service figures.

Every write takes the actor, checks the policy, validates, writes together with its audit entry (for staff)
and commits once; what goes out to sockets is sent after the commit."""

import csv
import io
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts import services as accounts
from ..accounts.models import User, UserUnit
from ..audit import services as audit
from ..boards.models import Attachment
from ..chat import services as chat
from ..chat.models import Message
from ..core import policy, sanitize
from ..core.errors import Conflict, Denied, Invalid, NotFound, RateLimited
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Unit
from ..extensions import db
from ..notifications.models import Notification
from ..rules import services as rules
from .models import (
    Notice,
    NoticeBuilding,
    NoticeReceipt,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Ticket,
    TicketEvent,
    TicketPhoto,
)

NOTICE_CATEGORIES = ("general", "fire_safety", "outage", "fees")
DEPARTMENTS = ("engineering", "security", "cleaning", "developer")
KINDS = ("repair", "complaint", "suggestion")
REPAIR_CATEGORIES = ("plumbing", "electrical", "lift", "doors_windows", "walls_ceiling", "common_facilities",
                     "other")
STATUSES = ("submitted", "accepted", "in_progress", "done", "confirmed")
OPEN = ("submitted", "accepted", "in_progress")
QUESTION_KINDS = ("single", "multiple", "rating", "text")

# How soon each category must be accepted and done, in hours (a repair's category, or the kind for complaints
# and suggestions). The app config may replace it as DESK_TARGETS; a ticket keeps the due times it was filed with.
TARGETS = {
    "plumbing": {"response_hours": 1, "completion_hours": 24},
    "electrical": {"response_hours": 1, "completion_hours": 24},
    "lift": {"response_hours": 0.5, "completion_hours": 8},
    "doors_windows": {"response_hours": 4, "completion_hours": 72},
    "walls_ceiling": {"response_hours": 4, "completion_hours": 120},
    "common_facilities": {"response_hours": 4, "completion_hours": 72},
    "other": {"response_hours": 8, "completion_hours": 120},
    "complaint": {"response_hours": 24, "completion_hours": 72},
    "suggestion": {"response_hours": 48, "completion_hours": 168},
}
# The property company's own targets, from its front-desk work plans (percent).
SATISFACTION_TARGET = 90
TIMELINESS_TARGET = 85
SATISFIED_FROM = 4  # a rating of 4 or 5 counts as satisfied
# How many requests (all kinds together) one account may file within each window, in seconds: enough for a
# new owner's snagging list, not enough to flood the desk. The app config may replace it as DESK_FILING_LIMITS.
FILING_LIMITS = ((10, 3600), (30, 86400))

TITLE_MAX = 120
BODY_MAX = 10000
TEXT_MAX = 2000
NOTE_MAX = 1000
COMMENT_MAX = 500
WORKER_MAX = 64
AREA_MAX = 120
PHOTOS_MAX = 9
QUERY_MAX = 100
QUESTIONS_MAX = 30
OPTIONS_MAX = 10
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def targets() -> dict:
    return current_app.config.get("DESK_TARGETS") or TARGETS


def filing_limits() -> tuple[tuple[int, int], ...]:
    return current_app.config.get("DESK_FILING_LIMITS") or FILING_LIMITS


# ---- validation helpers -------------------------------------------------------------------------

def _text(value, field: str, max_len: int, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_("This field is required."), field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(_("Expected text."), field=field)
    if len(value) > max_len:
        raise Invalid(_("This field is too long."), field=field)
    return value.strip()


def _choice(value, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Invalid(_("Choose one of: %(choices)s.", choices=", ".join(allowed)), field=field)
    return value


def _flag(value, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Invalid(_("Expected true or false."), field=field)
    return value


def _whole(value, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Invalid(_("Give a whole number from %(low)d to %(high)d.", low=low, high=high), field=field)
    return value


def _judge(actor, text: str):
    """Words and length under the interaction rules; posting-rate limits are for boards and chat, not for this."""
    return rules.check(actor, "edit", text)


# ---- notices ------------------------------------------------------------------------------------

def post_notice(actor, data: dict) -> Notice:
    """Publish a notice: stored, announced in the announcements room and sent to its audience's notifications."""
    policy.require(actor, "notice.post")
    accounts.require_writer(actor)
    title = _text(data.get("title"), "title", TITLE_MAX)
    body = _text(data.get("body"), "body", BODY_MAX)
    category = _choice(data.get("category"), "category", NOTICE_CATEGORIES)
    must_acknowledge = _flag(data.get("must_acknowledge"), "must_acknowledge")
    buildings = _audience(data.get("buildings"))
    # Staff are the reviewers, so a notice is not held for review; a blocked word still refuses it.
    title = _judge(actor, title).text
    body = _judge(actor, body).text
    now = utcnow()
    notice = Notice(author_id=actor.id, category=category, title=title, body=body, body_html=sanitize.render(body),
                    whole_estate=not buildings, must_acknowledge=must_acknowledge, created_at=now)
    db.session.add(notice)
    db.session.flush()
    for building in buildings:
        db.session.add(NoticeBuilding(notice_id=notice.id, building_id=building.id))
    link = f"/desk/notices/{notice.id}"
    message = Message(room="announcements", author_id=actor.id, client_id=f"notice-{notice.id}",
                      body=f"{title}\n{link}", body_html=sanitize.render(f"[{_markdown_escape(title)}]({link})"),
                      status="visible", created_at=now)
    db.session.add(message)
    db.session.flush()
    notice.message_id = message.id
    recipients = [uid for uid in _audience_users([b.id for b in buildings]) if uid != actor.id]
    if recipients:
        db.session.execute(insert(Notification), [
            {"user_id": uid, "kind": "notice", "actor_id": actor.id, "created_at": now} for uid in recipients])
    audit.record(actor, "notice.posted", f"notice:{notice.id}", {
        "category": category, "buildings": [b.code for b in buildings], "must_acknowledge": must_acknowledge,
        "message": message.id, "recipients": len(recipients)})
    chat.broadcast(message)
    db.session.commit()
    return notice


def _markdown_escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _audience(codes) -> list[Building]:
    """No buildings (or none given) is the whole estate; otherwise every code must name a building."""
    if codes is None or codes == []:
        return []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise Invalid(_("Give a list of building codes, or none for the whole estate."), field="buildings")
    found = list(db.session.scalars(select(Building).where(Building.code.in_(set(codes))).order_by(Building.code)))
    if len(found) != len(set(codes)):
        missing = sorted(set(codes) - {b.code for b in found})
        raise Invalid(_("No such building: %(codes)s.", codes=", ".join(missing)), field="buildings")
    return found


def _audience_users(building_ids: list[int]) -> list[int]:
    """Approved owners and residents with a unit in these buildings (every building when the list is empty)."""
    query = select(UserUnit.user_id).join(User, User.id == UserUnit.user_id).where(
        UserUnit.ended_at.is_(None), User.status == "approved", User.role.in_(policy.RESIDENTS))
    if building_ids:
        query = query.join(Unit, Unit.id == UserUnit.unit_id).where(Unit.building_id.in_(building_ids))
    return sorted(set(db.session.scalars(query)))


def _notice_filter(actor):
    if policy.roles_of(actor) & policy.OVERSEERS:
        return True
    if not policy.roles_of(actor) & policy.RESIDENTS or not actor.building_codes:
        return Notice.whole_estate.is_(True)
    mine = select(Building.id).where(Building.code.in_(actor.building_codes))
    return or_(Notice.whole_estate.is_(True), exists().where(
        NoticeBuilding.notice_id == Notice.id, NoticeBuilding.building_id.in_(mine)))


def notices(actor, *, category=None, q=None, before: int | None = None, limit: int = 50) -> tuple[list, int | None]:
    """The archive, newest first, optionally of one category and containing ``q`` in title or text."""
    policy.require_member(actor)
    query = select(Notice).where(_notice_filter(actor)).options(selectinload(Notice.buildings))
    if category:
        query = query.where(Notice.category == _choice(category, "category", NOTICE_CATEGORIES))
    if q is not None:
        term = _text(q, "q", QUERY_MAX).lower()
        query = query.where(or_(func.lower(Notice.title).contains(term, autoescape=True),
                                func.lower(Notice.body).contains(term, autoescape=True)))
    if before:
        query = query.where(Notice.id < before)
    rows = list(db.session.scalars(query.order_by(Notice.id.desc()).limit(limit)))
    receipts = {}
    if rows:
        receipts = {r.notice_id: r for r in db.session.scalars(select(NoticeReceipt).where(
            NoticeReceipt.user_id == actor.id, NoticeReceipt.notice_id.in_([n.id for n in rows])))}
    cards = accounts.public_cards(n.author_id for n in rows)
    items = [serialize_notice(n, cards[n.author_id], receipts.get(n.id), actor) for n in rows]
    return items, (rows[-1].id if len(rows) == limit else None)


def notice(actor, notice_id: int) -> Notice:
    policy.require_member(actor)
    found = db.session.get(Notice, notice_id)
    if found is None or not policy.can(actor, "notice.view", found):
        raise NotFound(_("No such notice."))
    return found


def in_audience(actor, found: Notice) -> bool:
    """An owner or resident of the estate, or of one of the notice's buildings: whose reading counts."""
    if not policy.roles_of(actor) & policy.RESIDENTS or not actor.building_codes:
        return False
    return found.whole_estate or bool(found.building_codes & actor.building_codes)


def open_notice(actor, notice_id: int) -> dict:
    """A notice as its reader sees it; the first opening by someone it is aimed at is recorded as read."""
    found = notice(actor, notice_id)
    receipt = _receipt(actor, found)
    if receipt is None and in_audience(actor, found):
        receipt = _record_receipt(actor, found, acknowledged=False)
    author = accounts.public_cards([found.author_id])[found.author_id]
    return serialize_notice(found, author, receipt, actor, full=True)


def _receipt(actor, found: Notice) -> NoticeReceipt | None:
    return db.session.scalar(select(NoticeReceipt).where(NoticeReceipt.notice_id == found.id,
                                                         NoticeReceipt.user_id == actor.id))


def _record_receipt(actor, found: Notice, *, acknowledged: bool) -> NoticeReceipt:
    now = utcnow()
    receipt = _receipt(actor, found)
    if receipt is None:
        receipt = NoticeReceipt(notice_id=found.id, user_id=actor.id, read_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(receipt)
        except IntegrityError:  # the same reader on a second phone, at the same moment
            receipt = _receipt(actor, found)
    if acknowledged and receipt.acknowledged_at is None:
        receipt.acknowledged_at = now
    db.session.commit()
    return receipt


def acknowledge(actor, notice_id: int) -> NoticeReceipt:
    """Confirm having read a notice that asks for it; doing it again changes nothing."""
    found = notice(actor, notice_id)
    policy.require(actor, "notice.acknowledge")
    if not in_audience(actor, found):
        raise Denied(_("This notice is not addressed to you."))
    if not found.must_acknowledge:
        raise Conflict(_("This notice does not ask for acknowledgement."))
    return _record_receipt(actor, found, acknowledged=True)


def receipts(actor, notice_id: int) -> dict:
    """Who has been reached, per building: units read and acknowledged, readers, and the units not yet reached.

    A unit is reached when any of its residents acknowledged the notice (read it, when no acknowledgement is
    asked for). Units with nobody registered are never reached online: they need a printed notice."""
    found = notice(actor, notice_id)
    policy.require(actor, "notice.track")
    query = select(Unit.id, Unit.code, Building.code).join(Building).order_by(Building.code, Unit.code)
    if not found.whole_estate:
        query = query.where(Building.id.in_([b.id for b in found.buildings]))
    units = db.session.execute(query).all()
    links = db.session.execute(select(UserUnit.unit_id, UserUnit.user_id).join(User, User.id == UserUnit.user_id)
                               .where(UserUnit.ended_at.is_(None), User.status == "approved",
                                      UserUnit.unit_id.in_([u[0] for u in units]))).all() if units else []
    seen = {r.user_id: r for r in db.session.scalars(select(NoticeReceipt).where(NoticeReceipt.notice_id == found.id))}
    residents = defaultdict(set)
    for unit_id, user_id in links:
        residents[unit_id].add(user_id)
    per_building: dict[str, dict] = {}
    unreached = []
    for unit_id, unit_code, building_code in units:
        row = per_building.setdefault(building_code, {
            "building": building_code, "units": 0, "units_registered": 0, "units_read": 0,
            "units_acknowledged": 0, "residents": set(), "readers": set(), "acknowledged": set()})
        people = residents.get(unit_id, set())
        read = {u for u in people if u in seen}
        acked = {u for u in read if seen[u].acknowledged_at is not None}
        row["units"] += 1
        row["units_registered"] += bool(people)
        row["units_read"] += bool(read)
        row["units_acknowledged"] += bool(acked)
        row["residents"] |= people
        row["readers"] |= read
        row["acknowledged"] |= acked
        if not (acked if found.must_acknowledge else read):
            unreached.append({"unit": unit_code, "building": building_code, "registered": bool(people)})
    buildings = []
    for row in per_building.values():
        row.update({k: len(row[k]) for k in ("residents", "readers", "acknowledged")})
        row["units_reached"] = row["units_acknowledged"] if found.must_acknowledge else row["units_read"]
        buildings.append(row)
    totals = {k: sum(b[k] for b in buildings) for k in (
        "units", "units_registered", "units_read", "units_acknowledged", "units_reached", "residents", "readers",
        "acknowledged")}
    return {"notice_id": found.id, "must_acknowledge": found.must_acknowledge, "buildings": buildings,
            "totals": totals, "unreached": unreached}


def serialize_notice(n: Notice, author: dict, receipt: NoticeReceipt | None, viewer, *, full: bool = False) -> dict:
    data = {"id": n.id, "category": n.category, "title": n.title, "author": author,
            "whole_estate": n.whole_estate, "buildings": sorted(n.building_codes),
            "must_acknowledge": n.must_acknowledge, "created_at": iso(n.created_at),
            "read": receipt is not None, "acknowledged": bool(receipt and receipt.acknowledged_at),
            "acknowledged_at": iso(receipt.acknowledged_at) if receipt else None, "for_me": in_audience(viewer, n)}
    if full:
        data["body_html"] = n.body_html
        data["can_acknowledge"] = n.must_acknowledge and data["for_me"] and policy.can(viewer, "notice.acknowledge")
        data["can_track"] = policy.can(viewer, "notice.track")
    else:
        excerpt = sanitize.plain_text(n.body).replace("\n", " ")
        data["excerpt"] = excerpt if len(excerpt) <= 120 else excerpt[:120].rstrip() + "…"
    return data


# ---- tickets: repairs, complaints and suggestions ---------------------------------------------

def file_ticket(actor, kind: str, data: dict) -> Ticket:
    """An owner or resident files a repair request for one of their units or a common area, or a complaint or
    suggestion (which they may make public: other residents then see it, never who filed it)."""
    policy.require(actor, "ticket.file")
    if kind not in KINDS:
        raise NotFound(_("Not found."))
    _throttle_filing(actor, utcnow())
    if kind == "repair":
        category = _choice(data.get("category"), "category", REPAIR_CATEGORIES)
    else:
        category = kind
    unit, area = _location(actor, data, required=kind == "repair")
    description = _text(data.get("description"), "description", TEXT_MAX)
    public = _flag(data.get("public"), "public") if kind != "repair" else False
    if kind == "repair" and data.get("public"):
        raise Invalid(_("Repair requests are never public."), field="public")
    photos = _photos(actor, data.get("attachments"))
    if public:
        accounts.require_writer(actor)
        decision = _judge(actor, description)
        description = decision.text
        public = decision.action != "hold"  # held wording stays between the filer and the staff
    now = utcnow()
    target = targets()[category]
    ticket = Ticket(kind=kind, category=category, author_id=actor.id, unit_id=unit.id if unit else None,
                    common_area=area, description=description, public=public, status="submitted",
                    submitted_at=now, response_due_at=now + timedelta(hours=target["response_hours"]),
                    completion_due_at=now + timedelta(hours=target["completion_hours"]))
    db.session.add(ticket)
    db.session.flush()
    for attachment in photos:
        db.session.add(TicketPhoto(ticket_id=ticket.id, attachment_id=attachment.id))
    db.session.add(TicketEvent(ticket_id=ticket.id, actor_id=actor.id, action="filed", status="submitted", at=now))
    db.session.commit()
    return ticket


def _throttle_filing(actor, now: datetime) -> None:
    """429 with the seconds until one more request fits in every window (counted from the filer's own
    requests, so the limit holds across phones and processes)."""
    limits = filing_limits()
    longest = timedelta(seconds=max(seconds for _count, seconds in limits))
    recent = list(db.session.scalars(select(Ticket.submitted_at).where(
        Ticket.author_id == actor.id, Ticket.submitted_at > now - longest).order_by(Ticket.submitted_at.desc())))
    wait = 0.0
    for count, seconds in limits:
        window = [at for at in recent if at > now - timedelta(seconds=seconds)]
        if len(window) >= count:  # the count-th newest must leave the window before another fits
            wait = max(wait, (window[count - 1] + timedelta(seconds=seconds) - now).total_seconds())
    if wait:
        minutes = math.ceil(wait / 60)
        raise RateLimited(_("You have filed many requests in a short time: you can file another in %(n)d "
                            "minutes. For anything urgent, call the front desk.", n=minutes),
                          retry_after=max(1, math.ceil(wait)))


def _location(actor, data: dict, *, required: bool) -> tuple[Unit | None, str | None]:
    """Exactly one of ``unit`` (a code of one of the filer's units) and ``common_area`` (where, in words)."""
    code, area = data.get("unit"), _text(data.get("common_area"), "common_area", AREA_MAX, required=False)
    if code not in (None, "") and area:
        raise Invalid(_("Give either your unit or a common area, not both."), field="common_area")
    if code in (None, ""):
        if required and not area:
            raise Invalid(_("Say which of your units, or which common area."), field="unit")
        return None, area
    unit = next((u for u in actor.units if u.code == code), None)
    if unit is None:
        raise Invalid(_("Choose one of your own units."), field="unit")
    return unit, None


def _photos(actor, ids) -> list[Attachment]:
    if ids is None or ids == []:
        return []
    if not isinstance(ids, list) or len(ids) > PHOTOS_MAX or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise Invalid(_("Give up to nine attachment ids."), field="attachments")
    found = list(db.session.scalars(select(Attachment).where(
        Attachment.id.in_(ids), Attachment.uploader_id == actor.id, Attachment.post_id.is_(None),
        ~exists().where(TicketPhoto.attachment_id == Attachment.id))))
    if len(found) != len(set(ids)):
        raise Invalid(_("An attachment is missing or already used."), field="attachments")
    return sorted(found, key=lambda a: ids.index(a.id))


def ticket(actor, kind: str, ticket_id: int) -> Ticket:
    """One ticket the actor may see: someone else's answers 404, as if it did not exist."""
    policy.require_member(actor)
    found = db.session.get(Ticket, ticket_id)
    if found is None or found.kind != kind or not policy.can(actor, "ticket.view", found):
        raise NotFound(_("No such request."))
    return found


def _advance(actor, kind: str, ticket_id: int, action: str, allowed_from: tuple[str, ...], status: str | None,
             *, department=None, worker=None, note=None) -> Ticket:
    """A staff step: 404 before 403 before 409, then the step, its timeline entry, the filer's notification
    and the audit entry, in one transaction."""
    found = ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    if found.status not in allowed_from:
        raise Conflict(_("This request is already %(status)s.", status=status_label(found.status)),
                       status_now=found.status)
    now = utcnow()
    if status is not None:
        found.status = status
        setattr(found, STAMPS[status], now)
    if department is not None:
        found.department, found.worker = department, worker
    db.session.add(TicketEvent(ticket_id=found.id, actor_id=actor.id, action=action, status=found.status,
                               department=department, worker=worker, note=note, at=now))
    db.session.add(Notification(user_id=found.author_id, kind=found.kind, actor_id=actor.id, created_at=now))
    detail = {"status": found.status, "note": note is not None}
    if department is not None:
        detail.update(department=department, worker=worker)
    audit.record(actor, f"ticket.{action}", f"ticket:{found.id}", detail)
    db.session.commit()
    return found


STAMPS = {"accepted": "accepted_at", "in_progress": "started_at", "done": "done_at", "confirmed": "confirmed_at"}


def _assignment(kind: str, data: dict) -> tuple[str, str | None]:
    department = _choice(data.get("department"), "department", DEPARTMENTS)
    worker = _text(data.get("worker"), "worker", WORKER_MAX, required=kind == "repair")
    return department, worker


def accept(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """Triage: a department and (for repairs) the worker who will do it."""
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    department, worker = _assignment(kind, data)
    note = _text(data.get("note"), "note", NOTE_MAX, required=False)
    return _advance(actor, kind, ticket_id, "accepted", ("submitted",), "accepted", department=department,
                    worker=worker, note=note)


def reassign(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    department, worker = _assignment(kind, data)
    note = _text(data.get("note"), "note", NOTE_MAX, required=False)
    return _advance(actor, kind, ticket_id, "assigned", ("accepted", "in_progress"), None, department=department,
                    worker=worker, note=note)


def start(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    note = _text(data.get("note"), "note", NOTE_MAX, required=False)
    return _advance(actor, kind, ticket_id, "started", ("accepted",), "in_progress", note=note)


def finish(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """Done. A complaint or suggestion needs the report of what was done about it (有反馈、有报告)."""
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    note = _text(data.get("note"), "note", NOTE_MAX, required=kind != "repair")
    return _advance(actor, kind, ticket_id, "done", ("in_progress",), "done", note=note)


def add_note(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """A progress note to the filer, at any step before the return visit."""
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    note = _text(data.get("note"), "note", NOTE_MAX)
    return _advance(actor, kind, ticket_id, "note", OPEN + ("done",), None, note=note)


def confirm(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """The return visit (回访): the filer confirms the work is done and rates it from 1 to 5."""
    found = ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.confirm", found)
    rating = _whole(data.get("rating"), "rating", 1, 5)
    comment = _text(data.get("comment"), "comment", COMMENT_MAX, required=False)
    if found.status != "done":
        raise Conflict(_("Only a request marked done can be confirmed; this one is %(status)s.",
                         status=status_label(found.status)), status_now=found.status)
    now = utcnow()
    found.status, found.confirmed_at, found.rating, found.rating_comment = "confirmed", now, rating, comment
    db.session.add(TicketEvent(ticket_id=found.id, actor_id=actor.id, action="confirmed", status="confirmed",
                               note=comment, at=now))
    db.session.commit()
    return found


def reopen(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """The return visit's other answer: not fixed. The request goes back to the staff, in progress, with the
    filer's reason. Its done time is cleared, so timeliness counts the time it is really done (the timeline
    keeps the earlier step); the completion target is unchanged, so it may now be overdue."""
    found = ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.confirm", found)
    reason = _text(data.get("reason"), "reason", COMMENT_MAX)
    if found.status != "done":
        raise Conflict(_("Only a request marked done can be sent back; this one is %(status)s.",
                         status=status_label(found.status)), status_now=found.status)
    now = utcnow()
    found.status, found.done_at = "in_progress", None
    db.session.add(TicketEvent(ticket_id=found.id, actor_id=actor.id, action="reopened", status="in_progress",
                               note=reason, at=now))
    db.session.commit()
    return found


def overdue_filter(now: datetime):
    return or_(and_(Ticket.status == "submitted", Ticket.response_due_at < now),
               and_(Ticket.status.in_(OPEN), Ticket.completion_due_at < now))


def overdue(t: Ticket, now: datetime) -> str | None:
    """``completion`` when it should be done by now, ``response`` when it should at least be accepted."""
    if t.status in OPEN and now > t.completion_due_at:
        return "completion"
    if t.status == "submitted" and now > t.response_due_at:
        return "response"
    return None


def tickets(actor, kind: str, *, scope: str | None = None, status=None, overdue_only: bool = False,
            department=None, category=None, before: int | None = None, limit: int = 50) -> tuple[list, int | None]:
    """``mine`` (the default for residents), ``all`` (the default for overseers) or ``public`` (complaints and
    suggestions their filers made public); newest first."""
    policy.require_member(actor)
    if kind not in KINDS:
        raise NotFound(_("Not found."))
    oversee = policy.can(actor, "ticket.list_all")
    scope = scope or ("all" if oversee else "mine")
    query = select(Ticket).where(Ticket.kind == kind)
    if scope == "mine":
        query = query.where(Ticket.author_id == actor.id)
    elif scope == "public" and kind != "repair":
        policy.require(actor, "ticket.view", SimpleNamespace(public=True, author_id=None))
        query = query.where(Ticket.public.is_(True))
    elif scope == "all":
        policy.require(actor, "ticket.list_all")
    else:
        raise Invalid(_("Choose mine, public or all."), field="scope")
    if status:
        query = query.where(Ticket.status == _choice(status, "status", STATUSES))
    if department:
        query = query.where(Ticket.department == _choice(department, "department", DEPARTMENTS))
    if category:
        query = query.where(Ticket.category == _choice(category, "category", categories(kind)))
    now = utcnow()
    if overdue_only:
        query = query.where(overdue_filter(now))
    if before:
        query = query.where(Ticket.id < before)
    rows = list(db.session.scalars(query.order_by(Ticket.id.desc()).limit(limit)))
    identified = _identities(actor, rows)
    reopened = _reopened([t.id for t in rows])
    items = [serialize_ticket(t, actor, now, identified, reopened.get(t.id, 0)) for t in rows]
    return items, (rows[-1].id if len(rows) == limit else None)


def categories(kind: str) -> tuple[str, ...]:
    return REPAIR_CATEGORIES if kind == "repair" else (kind,)


def _identities(viewer, rows: list[Ticket]) -> dict[int, dict]:
    """Who filed what, for staff only (and a filer's own card): complaints are anonymous to everyone else."""
    if policy.can(viewer, "ticket.identify"):
        users = db.session.scalars(select(User).where(User.id.in_({t.author_id for t in rows})).options(
            selectinload(User.unit_links), selectinload(User.registration))) if rows else []
        return {u.id: accounts.serialize_user(u, viewer) for u in users}
    if any(t.author_id == viewer.id for t in rows):
        return {viewer.id: accounts.serialize_public(viewer)}
    return {}


def ticket_page(actor, kind: str, ticket_id: int) -> dict:
    """A ticket with its timeline and photos, as the viewer may see it."""
    found = ticket(actor, kind, ticket_id)
    events = list(db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == found.id)
                                     .order_by(TicketEvent.id)))
    photos = list(db.session.scalars(select(Attachment).join(TicketPhoto, TicketPhoto.attachment_id == Attachment.id)
                                     .where(TicketPhoto.ticket_id == found.id).order_by(Attachment.id)))
    data = serialize_ticket(found, actor, utcnow(), _identities(actor, [found]),
                            sum(e.action == "reopened" for e in events))
    staff_cards = accounts.public_cards(e.actor_id for e in events if e.actor_id != found.author_id)
    data["timeline"] = [{
        "at": iso(e.at), "action": e.action, "status": e.status, "department": e.department, "worker": e.worker,
        "note": e.note,
        "by": "filer" if e.actor_id == found.author_id else "staff",
        "actor": staff_cards.get(e.actor_id) if e.actor_id != found.author_id else data["author"],
    } for e in events]
    data["photos"] = [{"id": a.id, "url": f"/media/{a.key}", "width": a.width, "height": a.height} for a in photos]
    return data


def _reopened(ids: list[int]) -> dict[int, int]:
    """How many times each request was sent back as not fixed."""
    if not ids:
        return {}
    return dict(db.session.execute(select(TicketEvent.ticket_id, func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id.in_(ids), TicketEvent.action == "reopened").group_by(TicketEvent.ticket_id)).all())


def serialize_ticket(t: Ticket, viewer, now: datetime, identified: dict[int, dict], reopened: int = 0) -> dict:
    own = t.author_id == viewer.id
    staff = policy.can(viewer, "ticket.identify")
    # The unit is personal: staff and the filer see it, the committee only its building, other residents nothing.
    unit = t.unit.code if t.unit and (staff or own) else None
    building = t.unit.building.code if t.unit and (staff or own or policy.can(viewer, "ticket.list_all")) else None
    handle = policy.can(viewer, "ticket.handle")
    return {
        "id": t.id, "kind": t.kind, "category": t.category, "status": t.status, "description": t.description,
        "public": t.public, "department": t.department, "worker": t.worker,
        "unit": unit, "building": building, "common_area": t.common_area,
        "author": identified.get(t.author_id), "mine": own,
        "submitted_at": iso(t.submitted_at), "accepted_at": iso(t.accepted_at), "started_at": iso(t.started_at),
        "done_at": iso(t.done_at), "confirmed_at": iso(t.confirmed_at),
        "response_due_at": iso(t.response_due_at), "completion_due_at": iso(t.completion_due_at),
        "overdue": overdue(t, now),
        "on_time": (t.done_at <= t.completion_due_at) if t.done_at else None,
        "rating": t.rating, "rating_comment": t.rating_comment, "reopened": reopened,
        "can": {"accept": handle and t.status == "submitted",
                "reassign": handle and t.status in ("accepted", "in_progress"),
                "start": handle and t.status == "accepted", "finish": handle and t.status == "in_progress",
                "note": handle and t.status in OPEN + ("done",),
                "confirm": own and t.status == "done" and policy.can(viewer, "ticket.confirm", t),
                "reopen": own and t.status == "done" and policy.can(viewer, "ticket.confirm", t)},
    }


def photo_visible(actor, attachment_id: int) -> bool | None:
    """For /media: None when the image is on no ticket, else whether ``actor`` may see that ticket."""
    ticket_id = db.session.scalar(select(TicketPhoto.ticket_id).where(TicketPhoto.attachment_id == attachment_id))
    if ticket_id is None:
        return None
    return policy.can(actor, "ticket.view", db.session.get(Ticket, ticket_id))


def status_label(status: str) -> str:
    return {"submitted": _("submitted"), "accepted": _("accepted"), "in_progress": _("in progress"),
            "done": _("done"), "confirmed": _("confirmed")}[status]


# ---- surveys ------------------------------------------------------------------------------------

def create_survey(actor, data: dict) -> Survey:
    policy.require(actor, "survey.create")
    title = _text(data.get("title"), "title", TITLE_MAX)
    description = _text(data.get("description"), "description", TEXT_MAX, required=False) or ""
    per = _choice(data.get("per"), "per", ("user", "unit"))
    closes_at = _future_time(data.get("closes_at"), "closes_at")
    raw = data.get("questions")
    if not isinstance(raw, list) or not 1 <= len(raw) <= QUESTIONS_MAX:
        raise Invalid(_("Give between 1 and 30 questions."), field="questions")
    questions = [_question(q, f"questions[{i}]") for i, q in enumerate(raw)]
    survey = Survey(author_id=actor.id, by_committee=not policy.is_staff(actor), title=title,
                    description=description, per=per, closes_at=closes_at, created_at=utcnow())
    db.session.add(survey)
    db.session.flush()
    for position, q in enumerate(questions):
        db.session.add(SurveyQuestion(survey_id=survey.id, position=position, **q))
    audit.record(actor, "survey.created", f"survey:{survey.id}", {"per": per, "questions": len(questions)})
    db.session.commit()
    return survey


def _future_time(value, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid(_("Give a time such as 2026-12-31T16:00:00Z."), field=field)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    if parsed <= utcnow():
        raise Invalid(_("The time must be in the future."), field=field)
    return parsed


def _question(raw, field: str) -> dict:
    if not isinstance(raw, dict):
        raise Invalid(_("Each question needs a kind and a text."), field=field)
    kind = _choice(raw.get("kind"), f"{field}.kind", QUESTION_KINDS)
    text = _text(raw.get("text"), f"{field}.text", 200)
    required = raw.get("required", True)
    if not isinstance(required, bool):
        raise Invalid(_("Expected true or false."), field=f"{field}.required")
    options = raw.get("options") or []
    if kind in ("single", "multiple"):
        if not isinstance(options, list) or not 2 <= len(options) <= OPTIONS_MAX:
            raise Invalid(_("Give between 2 and 10 options."), field=f"{field}.options")
        options = [_text(o, f"{field}.options[{i}]", 100) for i, o in enumerate(options)]
        if len(set(options)) != len(options):
            raise Invalid(_("The options must differ."), field=f"{field}.options")
    elif options:
        raise Invalid(_("Only choice questions have options."), field=f"{field}.options")
    return {"kind": kind, "text": text, "options": options, "required": required}


def surveys(actor, *, before: int | None = None, limit: int = 50) -> tuple[list, int | None]:
    policy.require_member(actor)
    query = select(Survey)
    if before:
        query = query.where(Survey.id < before)
    rows = list(db.session.scalars(query.order_by(Survey.id.desc()).limit(limit)))
    now = utcnow()
    counts = dict(db.session.execute(select(SurveyResponse.survey_id, func.count(SurveyResponse.id)).where(
        SurveyResponse.survey_id.in_([s.id for s in rows])).group_by(SurveyResponse.survey_id)).all()) if rows else {}
    items = [serialize_survey(s, actor, now, counts.get(s.id, 0)) for s in rows]
    return items, (rows[-1].id if len(rows) == limit else None)


def survey(actor, survey_id: int) -> Survey:
    policy.require_member(actor)
    found = db.session.get(Survey, survey_id)
    if found is None:
        raise NotFound(_("No such survey."))
    return found


class _SurveyView:
    """What the policy needs to know of a survey: who ran it, and whether it is still open."""
    def __init__(self, found: Survey, now: datetime):
        self.by_committee, self.open = found.by_committee, found.is_open(now)


def _answerable_units(actor, found: Survey) -> list[Unit]:
    """The units the actor could still answer for (per-unit surveys)."""
    units = actor.units
    if not units:
        return []
    taken = set(db.session.scalars(select(SurveyResponse.unit_id).where(
        SurveyResponse.survey_id == found.id, SurveyResponse.unit_id.in_([u.id for u in units]))))
    return [u for u in units if u.id not in taken]


def survey_page(actor, survey_id: int) -> dict:
    found = survey(actor, survey_id)
    now = utcnow()
    count = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == found.id))
    data = serialize_survey(found, actor, now, count)
    data["questions"] = [{"id": q.id, "kind": q.kind, "text": q.text, "options": q.options, "required": q.required}
                         for q in found.questions]
    data["units_left"] = [u.code for u in _answerable_units(actor, found)] if found.per == "unit" else []
    return data


def serialize_survey(s: Survey, viewer, now: datetime, responses: int) -> dict:
    view = _SurveyView(s, now)
    if s.per == "user":
        answered = db.session.scalar(select(SurveyResponse.id).where(
            SurveyResponse.survey_id == s.id, SurveyResponse.respondent == f"user:{viewer.id}")) is not None
        can_answer = not answered
    else:
        left = _answerable_units(viewer, s)
        answered = bool(viewer.units) and not left
        can_answer = bool(left)
    return {"id": s.id, "title": s.title, "description": s.description, "per": s.per,
            "by_committee": s.by_committee, "created_at": iso(s.created_at), "closes_at": iso(s.closes_at),
            "closed_at": iso(s.closed_at), "open": view.open, "responses": responses, "answered": answered,
            "can_answer": view.open and can_answer and policy.can(viewer, "survey.answer"),
            "can_close": view.open and policy.can(viewer, "survey.manage", view),
            "can_see_results": policy.can(viewer, "survey.results", view)}


def answer(actor, survey_id: int, data: dict) -> SurveyResponse:
    """One answer per user, or per unit (for any one of the unit's residents), as the survey says: a second
    answer is a 409 conflict."""
    found = survey(actor, survey_id)
    policy.require(actor, "survey.answer")
    now = utcnow()
    if not found.is_open(now):
        raise Conflict(_("This survey is closed."))
    unit = None
    if found.per == "unit":
        unit = _answering_unit(actor, found, data.get("unit"))
        respondent = f"unit:{unit.id}"
    else:
        respondent = f"user:{actor.id}"
    if db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == found.id,
                                                         SurveyResponse.respondent == respondent)) is not None:
        raise _answered(found)
    answers = _answers(found, data.get("answers"))
    response = SurveyResponse(survey_id=found.id, respondent=respondent, user_id=actor.id,
                              unit_id=unit.id if unit else None, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # answered from another phone a moment ago
        raise _answered(found) from None
    for question_id, values in answers.items():
        db.session.add(SurveyAnswer(response_id=response.id, question_id=question_id, **values))
    db.session.commit()
    return response


def _answered(found: Survey) -> Conflict:
    if found.per == "unit":
        return Conflict(_("This unit has already answered this survey."))
    return Conflict(_("You have already answered this survey."))


def _answering_unit(actor, found: Survey, code) -> Unit:
    units = actor.units
    if not units:
        raise Invalid(_("This survey is answered per unit, and you have none."), field="unit")
    if code in (None, ""):
        if len(units) > 1:
            raise Invalid(_("Say which of your units you answer for."), field="unit")
        return units[0]
    unit = next((u for u in units if u.code == code), None)
    if unit is None:
        raise Invalid(_("Choose one of your own units."), field="unit")
    return unit


def _answers(found: Survey, raw) -> dict[int, dict]:
    """``{"<question id>": value}``: an option index, a list of them, a rating of 1 to 5, or text."""
    if not isinstance(raw, dict):
        raise Invalid(_("Give the answers by question id."), field="answers")
    known = {str(q.id) for q in found.questions}
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise Invalid(_("No such question in this survey."), field=f"answers.{unknown[0]}")
    given = {str(k): v for k, v in raw.items()}
    result = {}
    for q in found.questions:
        field = f"answers.{q.id}"
        value = given.get(str(q.id))
        if value is None or value == "" or value == []:
            if q.required:
                raise Invalid(_("Please answer this question."), field=field)
            continue
        if q.kind == "single":
            result[q.id] = {"choices": [_whole(value, field, 0, len(q.options) - 1)]}
        elif q.kind == "multiple":
            if not isinstance(value, list):
                raise Invalid(_("Give a list of option numbers."), field=field)
            picked = sorted({_whole(v, field, 0, len(q.options) - 1) for v in value})
            result[q.id] = {"choices": picked}
        elif q.kind == "rating":
            result[q.id] = {"rating": _whole(value, field, 1, 5)}
        else:
            result[q.id] = {"text": _text(value, field, TEXT_MAX)}
    return result


def results(actor, survey_id: int) -> dict:
    """Counts per option (and the share of those who answered the question), rating averages and
    distributions, and the free-text answers; never who gave which answer."""
    found = survey(actor, survey_id)
    view = _SurveyView(found, utcnow())
    policy.require(actor, "survey.results", view)
    respondents = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == found.id))
    rows = db.session.execute(select(SurveyAnswer.question_id, SurveyAnswer.choices, SurveyAnswer.rating,
                                     SurveyAnswer.text).join(SurveyResponse)
                              .where(SurveyResponse.survey_id == found.id).order_by(SurveyAnswer.id)).all()
    by_question = defaultdict(list)
    for row in rows:
        by_question[row.question_id].append(row)
    questions = []
    for q in found.questions:
        answers = by_question.get(q.id, [])
        item = {"id": q.id, "kind": q.kind, "text": q.text, "answered": len(answers)}
        if q.kind in ("single", "multiple"):
            counts = Counter(i for a in answers for i in (a.choices or []))
            item["options"] = [{"label": label, "count": counts.get(i, 0),
                                "percent": _percent(counts.get(i, 0), len(answers))}
                               for i, label in enumerate(q.options)]
        elif q.kind == "rating":
            ratings = [a.rating for a in answers]
            item["average"] = round(sum(ratings) / len(ratings), 2) if ratings else None
            item["distribution"] = [{"rating": r, "count": ratings.count(r),
                                     "percent": _percent(ratings.count(r), len(ratings))} for r in range(1, 6)]
        else:
            item["texts"] = [a.text for a in answers]
        questions.append(item)
    return {"id": found.id, "title": found.title, "per": found.per, "open": view.open,
            "respondents": respondents, "questions": questions}


def close_survey(actor, survey_id: int) -> Survey:
    found = survey(actor, survey_id)
    now = utcnow()
    view = _SurveyView(found, now)
    policy.require(actor, "survey.manage", view)
    if not view.open:
        raise Conflict(_("This survey is closed."))
    found.closed_at = now
    audit.record(actor, "survey.closed", f"survey:{found.id}", {})
    db.session.commit()
    return found


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# ---- service figures ----------------------------------------------------------------------------

def _rate(hits: int, count: int, target: int) -> dict:
    """A rate against its target, compared in integers (87.5% against 85% never rounds the wrong way)."""
    return {"count": count, "hits": hits, "rate": _percent(hits, count), "target": target,
            "met": hits * 100 >= target * count if count else None}


class _Tally:
    def __init__(self):
        self.filed = self.done = self.on_time = self.rated = self.satisfied = 0

    def as_dict(self) -> dict:
        return {"filed": self.filed, "done": self.done,
                "timeliness": _rate(self.on_time, self.done, TIMELINESS_TARGET),
                "satisfaction": _rate(self.satisfied, self.rated, SATISFACTION_TARGET)}


def estate_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


class _Months:
    """The last ``count`` months in the estate's time zone, oldest first, with the UTC moment each began, so
    that placing a time in its month is a bisection rather than a time-zone conversion."""

    def __init__(self, now: datetime, count: int):
        zone, utc = estate_zone(), ZoneInfo("UTC")
        local = now.replace(tzinfo=utc).astimezone(zone)
        year, month = local.year, local.month
        firsts = []
        for _i in range(count):
            firsts.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        firsts.reverse()
        self.keys = [f"{y:04d}-{m:02d}" for y, m in firsts]
        self.starts = [datetime(y, m, 1, tzinfo=zone).astimezone(utc).replace(tzinfo=None) for y, m in firsts]
        self.start = self.starts[0]

    def of(self, at: datetime) -> str:
        return self.keys[bisect_right(self.starts, at) - 1]


def figures(actor, *, months: int = 12, kind: str | None = None) -> dict:
    """Satisfaction (ratings of 4 or 5 over all ratings given) and timeliness (done by the completion target
    over all done), overall, by department, by category and per month, each against its target; counts of
    requests filed by department and category; and the requests overdue right now.

    Requests count in the month they were filed, done or rated, each for its own figure; months are the
    estate's local months."""
    policy.require(actor, "figures.read")
    if kind is not None:
        _choice(kind, "kind", KINDS)
    now = utcnow()
    window = _Months(now, months)
    start = window.start
    rows = _figure_rows(start, kind)
    overall, monthly = _Tally(), {k: _Tally() for k in window.keys}
    departments = {d: _Tally() for d in (*DEPARTMENTS, "unassigned")}
    categories_ = defaultdict(_Tally)
    for t in rows:
        groups = (overall, departments[t.department or "unassigned"], categories_[t.category])
        if t.submitted_at >= start:
            for g in (*groups, monthly[window.of(t.submitted_at)]):
                g.filed += 1
        if t.done_at and t.done_at >= start:
            late = t.done_at > t.completion_due_at
            for g in (*groups, monthly[window.of(t.done_at)]):
                g.done += 1
                g.on_time += not late
        if t.rating is not None and t.confirmed_at >= start:
            for g in (*groups, monthly[window.of(t.confirmed_at)]):
                g.rated += 1
                g.satisfied += t.rating >= SATISFIED_FROM
    overdue_query = select(Ticket.kind, func.count(Ticket.id)).where(overdue_filter(now)).group_by(Ticket.kind)
    if kind:
        overdue_query = overdue_query.where(Ticket.kind == kind)
    overdue_now = dict(db.session.execute(overdue_query).all())
    order = {c: i for i, c in enumerate((*REPAIR_CATEGORIES, "complaint", "suggestion"))}
    return {
        "since": iso(start), "months": months, "kind": kind,
        "targets": {"satisfaction": SATISFACTION_TARGET, "timeliness": TIMELINESS_TARGET},
        **overall.as_dict(),
        "overdue_now": sum(overdue_now.values()),
        "by_department": [{"department": d, **t.as_dict()} for d, t in departments.items()],
        "by_category": [{"category": c, **categories_[c].as_dict()}
                        for c in sorted(categories_, key=lambda c: order.get(c, len(order)))],
        "monthly": [{"month": k, **monthly[k].as_dict()} for k in window.keys],
    }


def _figure_rows(start: datetime, kind: str | None):
    cols = (Ticket.id, Ticket.kind, Ticket.category, Ticket.department, Ticket.status, Ticket.submitted_at,
            Ticket.accepted_at, Ticket.done_at, Ticket.confirmed_at, Ticket.response_due_at,
            Ticket.completion_due_at, Ticket.rating, Ticket.unit_id)
    query = select(*cols).where(or_(Ticket.submitted_at >= start, Ticket.done_at >= start,
                                    Ticket.confirmed_at >= start))
    if kind:
        query = query.where(Ticket.kind == kind)
    return db.session.execute(query.order_by(Ticket.id)).all()


def _stamp(at: datetime | None) -> str:
    """As ``iso``, for many rows: isoformat is several times faster than strftime."""
    return at.isoformat(timespec="milliseconds") + "Z" if at else ""


def _cell(value) -> str:
    """Nothing a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def figures_csv(actor, *, table: str = "monthly", months: int = 12, kind: str | None = None) -> str:
    """``monthly``: the figures per month; ``requests``: one row per request (no names, building only), from
    which every figure can be recomputed. UTF-8 with a byte-order mark, so spreadsheet programs read Chinese."""
    policy.require(actor, "figures.read")
    if table not in ("monthly", "requests"):
        raise Invalid(_("Choose monthly or requests."), field="table")
    if kind is not None:
        _choice(kind, "kind", KINDS)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "monthly":
        writer.writerow(["month", "filed", "done", "done_on_time", "timeliness_pct", "timeliness_target_pct",
                         "rated", "satisfied", "satisfaction_pct", "satisfaction_target_pct"])
        for m in figures(actor, months=months, kind=kind)["monthly"]:
            t, s = m["timeliness"], m["satisfaction"]
            writer.writerow([m["month"], m["filed"], m["done"], t["hits"], _cell(t["rate"]), t["target"],
                             s["count"], s["hits"], _cell(s["rate"]), s["target"]])
    else:
        buildings = dict(db.session.execute(select(Unit.id, Building.code).join(Building)).all())
        writer.writerow(["id", "kind", "category", "department", "status", "building", "submitted_at",
                         "accepted_at", "done_at", "confirmed_at", "response_due_at", "completion_due_at",
                         "accepted_on_time", "done_on_time", "rating"])
        for t in _figure_rows(_Months(utcnow(), months).start, kind):
            accepted_on_time = "" if t.accepted_at is None else int(t.accepted_at <= t.response_due_at)
            done_on_time = "" if t.done_at is None else int(t.done_at <= t.completion_due_at)
            writer.writerow([t.id, t.kind, t.category, t.department or "", t.status,
                             _cell(buildings.get(t.unit_id)), _stamp(t.submitted_at), _stamp(t.accepted_at),
                             _stamp(t.done_at), _stamp(t.confirmed_at), _stamp(t.response_due_at),
                             _stamp(t.completion_due_at), accepted_on_time, done_on_time,
                             "" if t.rating is None else t.rating])
    return out.getvalue()
