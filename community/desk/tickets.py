"""Repairs, complaints and suggestions: filed by residents, triaged and worked by staff against the due times of
their category, and closed by the filer's return visit (回访) with a rating."""

import math
from datetime import datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts import services as accounts
from ..accounts.models import User
from ..audit import services as audit
from ..boards.models import Attachment
from ..core import fetch, policy, validation
from ..core.errors import Conflict, Invalid, NotFound, RateLimited, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Unit
from ..extensions import db
from ..notifications.services import notify
from .common import AREA_MAX, COMMENT_MAX, NOTE_MAX, TEXT_MAX, WORKER_MAX, judge
from .models import Ticket, TicketEvent, TicketPhoto

DEPARTMENTS = ("engineering", "security", "cleaning", "developer")
KINDS = ("repair", "complaint", "suggestion")
REPAIR_CATEGORIES = ("plumbing", "electrical", "lift", "doors_windows", "walls_ceiling", "common_facilities",
                     "other")
STATUSES = ("submitted", "accepted", "in_progress", "done", "confirmed")
OPEN = ("submitted", "accepted", "in_progress")
STAMPS = {"accepted": "accepted_at", "in_progress": "started_at", "done": "done_at", "confirmed": "confirmed_at"}
PHOTOS_MAX = 9

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
# How many requests (all kinds together) one account may file within each window, in seconds: enough for a
# new owner's snagging list, not enough to flood the desk. The app config may replace it as DESK_FILING_LIMITS.
FILING_LIMITS = ((10, 3600), (30, 86400))


def targets() -> dict:
    return current_app.config.get("DESK_TARGETS") or TARGETS


def filing_limits() -> tuple[tuple[int, int], ...]:
    return current_app.config.get("DESK_FILING_LIMITS") or FILING_LIMITS


def file_ticket(actor, kind: str, data: dict) -> Ticket:
    """An owner or resident files a repair request for one of their units or a common area, or a complaint or
    suggestion (which they may make public: other residents then see it, never who filed it)."""
    if kind not in KINDS:
        raise NotFound(_("Not found."))
    policy.require(actor, "ticket.file", kind)
    _throttle_filing(actor, utcnow())
    if kind == "repair":
        category = validation.choice(data.get("category"), "category", REPAIR_CATEGORIES)
    else:
        category = kind
    unit, area = _location(actor, data, required=kind == "repair")
    description = validation.text(data.get("description"), "description", TEXT_MAX)
    public = validation.flag(data.get("public"), "public") if kind != "repair" else False
    if kind == "repair" and data.get("public"):
        raise Invalid(_("Repair requests are never public."), field="public")
    photos = _photos(actor, data.get("attachments"))
    if public:
        accounts.require_writer(actor)
        decision = judge(actor, description)
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
    code, area = data.get("unit"), validation.text(data.get("common_area"), "common_area", AREA_MAX, required=False)
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
    if not isinstance(ids, list) or len(ids) > PHOTOS_MAX or not all(is_id(i) for i in ids):
        raise Invalid(_("Give up to nine attachment ids."), field="attachments")
    found = list(db.session.scalars(select(Attachment).where(
        Attachment.id.in_(ids), Attachment.uploader_id == actor.id, Attachment.post_id.is_(None),
        ~exists().where(TicketPhoto.attachment_id == Attachment.id))))
    if len(found) != len(set(ids)):
        raise Invalid(_("An attachment is missing or already used."), field="attachments")
    return sorted(found, key=lambda a: ids.index(a.id))


def ticket(actor, kind: str, ticket_id: int) -> Ticket:
    """One ticket the actor may see: someone else's answers 404, as if it did not exist."""
    return fetch.get(actor, Ticket, ticket_id, action="ticket.view", where=lambda t: t.kind == kind,
                     message=_("No such request."))


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
    notify([found.author_id], found.kind, actor_id=actor.id, target=f"ticket:{found.id}",
           detail={"action": action, "status": found.status}, now=now)
    detail = {"status": found.status, "note": note is not None}
    if department is not None:
        detail.update(department=department, worker=worker)
    audit.record(actor, f"ticket.{action}", f"ticket:{found.id}", detail)
    db.session.commit()
    return found



def _assignment(kind: str, data: dict) -> tuple[str, str | None]:
    department = validation.choice(data.get("department"), "department", DEPARTMENTS)
    worker = validation.text(data.get("worker"), "worker", WORKER_MAX, required=kind == "repair")
    return department, worker


def accept(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """Triage: a department and (for repairs) the worker who will do it."""
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    department, worker = _assignment(kind, data)
    note = validation.text(data.get("note"), "note", NOTE_MAX, required=False)
    return _advance(actor, kind, ticket_id, "accepted", ("submitted",), "accepted", department=department,
                    worker=worker, note=note)


def reassign(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    department, worker = _assignment(kind, data)
    note = validation.text(data.get("note"), "note", NOTE_MAX, required=False)
    return _advance(actor, kind, ticket_id, "assigned", ("accepted", "in_progress"), None, department=department,
                    worker=worker, note=note)


def start(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    note = validation.text(data.get("note"), "note", NOTE_MAX, required=False)
    return _advance(actor, kind, ticket_id, "started", ("accepted",), "in_progress", note=note)


def finish(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """Done. A complaint or suggestion needs the report of what was done about it (有反馈、有报告)."""
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    note = validation.text(data.get("note"), "note", NOTE_MAX, required=kind != "repair")
    return _advance(actor, kind, ticket_id, "done", ("in_progress",), "done", note=note)


def add_note(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """A progress note to the filer, at any step before the return visit."""
    ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.handle")
    note = validation.text(data.get("note"), "note", NOTE_MAX)
    return _advance(actor, kind, ticket_id, "note", OPEN + ("done",), None, note=note)


def confirm(actor, kind: str, ticket_id: int, data: dict) -> Ticket:
    """The return visit (回访): the filer confirms the work is done and rates it from 1 to 5."""
    found = ticket(actor, kind, ticket_id)
    policy.require(actor, "ticket.confirm", found)
    rating = validation.whole(data.get("rating"), "rating", 1, 5)
    comment = validation.text(data.get("comment"), "comment", COMMENT_MAX, required=False)
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
    reason = validation.text(data.get("reason"), "reason", COMMENT_MAX)
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
        query = query.where(Ticket.status == validation.choice(status, "status", STATUSES))
    if department:
        query = query.where(Ticket.department == validation.choice(department, "department", DEPARTMENTS))
    if category:
        query = query.where(Ticket.category == validation.choice(category, "category", categories(kind)))
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
