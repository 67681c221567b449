"""What the home page shows: for each card the policy grants, a few read-only queries over the other domains.
The number of statements is bounded whatever the estate's size (tests/test_home.py pins it): each card counts
in SQL and lists at most ``SHOWN`` items."""

from sqlalchemy import exists, func, or_, select

from ..accounts.models import User
from ..audit import services as audit
from ..boards.models import Post, Thread
from ..chat import services as chat
from ..chat.models import DeskConversation, Message
from ..core import policy
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..desk import forms as desk_forms
from ..desk import tickets as desk_tickets
from ..desk.models import Notice, NoticeReceipt, Ticket
from ..desk.notices import _notice_filter as notice_audience
from ..extensions import db
from ..moderation.models import Appeal, Report
from ..notifications.models import Notification
from ..votes import services as votes
from ..votes.models import Vote

SHOWN = 3  # items listed on a card; the card's count says how many there are in all
PLURALS = {"repair": "repairs", "complaint": "complaints", "suggestion": "suggestions"}


def cards(actor) -> list[dict]:
    """The cards the policy grants ``actor``, each ``{"name", ...}`` with what it shows."""
    policy.require_member(actor)
    return [{"name": name, **BUILDERS[name](actor)} for name in policy.home_cards(actor)]


def _notices(actor) -> dict:
    """Notices addressed to me that ask to be acknowledged and that I have not acknowledged yet."""
    acknowledged = exists().where(NoticeReceipt.notice_id == Notice.id, NoticeReceipt.user_id == actor.id,
                                  NoticeReceipt.acknowledged_at.is_not(None))
    where = (Notice.must_acknowledge.is_(True), notice_audience(actor), ~acknowledged)
    count = db.session.scalar(select(func.count(Notice.id)).where(*where)) if actor.building_codes else 0
    rows = list(db.session.scalars(select(Notice).where(*where).order_by(Notice.id.desc()).limit(SHOWN))) \
        if count else []
    return {"count": count, "entries": [{"id": n.id, "title": n.title, "at": n.created_at} for n in rows]}


def _votes(actor) -> dict:
    """Open votes, newest first, each saying whether I still have a ballot to cast and by when."""
    rows = list(db.session.scalars(select(Vote).where(Vote.status.in_(("open", "announced")),
                                                      or_(Vote.status != "open", Vote.closes_at > utcnow()))
                                   .order_by(Vote.closes_at).limit(SHOWN)))
    items = []
    for vote in rows:
        mine = votes.my_voters(actor, vote) if vote.status == "open" else []
        items.append({"id": vote.id, "title": vote.title, "status": vote.status, "closes_at": vote.closes_at,
                      "opens_at": vote.opens_at, "eligible": bool(mine),
                      "to_cast": sum(1 for v in mine if not v["voted"])})
    return {"count": len(items), "entries": items}


def _repairs(actor) -> dict:
    """My requests still open (repairs first), with their status."""
    where = (Ticket.author_id == actor.id, Ticket.status.in_(desk_tickets.OPEN + ("done",)))
    count = db.session.scalar(select(func.count(Ticket.id)).where(*where))
    rows = list(db.session.scalars(select(Ticket).where(*where).order_by(Ticket.id.desc()).limit(SHOWN))) \
        if count else []
    labels = dict(desk_forms.repair_categories()) | {"complaint": _("Complaint"), "suggestion": _("Suggestion")}
    now = utcnow()
    return {"count": count, "entries": [
        {"id": t.id, "plural": PLURALS[t.kind], "category": labels.get(t.category, t.category),
         "status": t.status, "status_label": desk_tickets.status_label(t.status),
         "overdue": desk_tickets.overdue(t, now), "at": t.submitted_at} for t in rows]}


def _chat(actor) -> dict:
    rooms = chat.rooms(actor)
    return {"count": sum(r["unread"] for r in rooms), "entries": rooms}


def _messages(actor) -> dict:
    """Unread notifications, by kind: replies and mentions first, as people look for them."""
    counts = dict(db.session.execute(select(Notification.kind, func.count(Notification.id)).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)).group_by(Notification.kind)).all())
    return {"count": sum(counts.values()), "replies": counts.get("reply", 0), "mentions": counts.get("mention", 0)}


def _queues(actor) -> dict:
    """What waits for the staff: registrations, the review queue, desk conversations, overdue requests."""
    now = utcnow()
    held = sum(db.session.scalar(select(func.count(model.id)).where(*where)) for model, where in (
        (Thread, (Thread.status == "held",)), (Post, (Post.status == "held", Post.opening.is_(False))),
        (Message, (Message.status == "held",))))
    return {
        "registrations": db.session.scalar(select(func.count(User.id)).where(User.status == "pending")),
        "reports": db.session.scalar(select(func.count(func.distinct(Report.target))).where(Report.status == "open")),
        "held": held,
        "desk": db.session.scalar(select(func.count(DeskConversation.user_id)).where(
            DeskConversation.status == "open", DeskConversation.waiting_since.is_not(None))),
        "overdue": db.session.scalar(select(func.count(Ticket.id)).where(desk_tickets.overdue_filter(now))),
        "appeals": db.session.scalar(select(func.count(Appeal.id)).where(Appeal.status == "open")),
    }


def _committee(actor) -> dict:
    """For the committee: votes running with their turnout, and what oversight should look at."""
    rows = list(db.session.scalars(select(Vote).where(Vote.status.in_(("draft", "announced", "open", "closed")))
                                   .order_by(Vote.id.desc()).limit(SHOWN)))
    now = utcnow()
    return {
        "votes": [{"id": v.id, "title": v.title, "status": v.status, "closes_at": v.closes_at,
                   "turnout": (v.persons_participating, v.persons_total)} for v in rows],
        "reports": db.session.scalar(select(func.count(func.distinct(Report.target))).where(Report.status == "open")),
        "appeals": db.session.scalar(select(func.count(Appeal.id)).where(Appeal.status == "open")),
        "overdue": db.session.scalar(select(func.count(Ticket.id)).where(desk_tickets.overdue_filter(now))),
    }


def _audit(actor) -> dict:
    return {"head": audit.chain_head()}


BUILDERS = {"notices": _notices, "votes": _votes, "repairs": _repairs, "chat": _chat, "messages": _messages,
            "queues": _queues, "committee": _committee, "audit": _audit}
