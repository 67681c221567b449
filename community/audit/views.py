from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from ..core import policy
from ..core.web import actor, login_required, zone
from ..extensions import db
from . import services, words

bp = Blueprint("audit", __name__)
PAGE = 50


@bp.get("/committee/audit")
@login_required
def log():
    me = actor()
    args = request.args
    kind = args.get("kind") if args.get("kind") in words.KINDS else None
    person = args.get("actor", type=int)
    start, end = _day(args.get("from")), _day(args.get("to"))
    page = services.browse(me, before=args.get("before", type=int), actor_id=person if person and person > 0
                           else None, kind=kind, since=_utc(start), until=_utc(end + timedelta(days=1)) if end
                           else None, limit=PAGE)
    for e in page["items"]:
        e["words"] = words.action_words(e["action"])
        e["target_words"] = words.target_words(e["target"])
        e["link"] = words.target_link(e["target"], e["action"])
        e["lines"] = words.detail_lines(e["detail"])
    check = services.verify_for(me) if args.get("verify") else None
    filters = {k: v for k, v in {"actor": person, "kind": kind, "from": start and start.isoformat(),
                                 "to": end and end.isoformat()}.items() if v}
    return render_template("audit/log.html", entries=page["items"], check=check, head=services.head_for(me),
                           next_before=page["next"], filters=filters, kinds=words.KINDS,
                           people=services.actors_seen(me), first_page=not args.get("before"))


@bp.get("/committee/audit/open/<any(ticket, post, message, sanction):kind>/<int:obj_id>")
@login_required
def open_object(kind: str, obj_id: int):
    """The page of an audited object that is not known from its target alone; that page decides who reads it."""
    policy.require(actor(), "audit.read")
    if kind == "ticket":
        from ..desk.models import Ticket
        found = db.session.scalar(select(Ticket.kind).where(Ticket.id == obj_id))
        plural = {"repair": "repairs", "complaint": "complaints", "suggestion": "suggestions"}.get(found)
        return redirect(url_for("desk.ticket", plural=plural, ticket_id=obj_id)) if plural else abort(404)
    if kind == "post":
        from ..boards.models import Post
        thread_id = db.session.scalar(select(Post.thread_id).where(Post.id == obj_id))
        return redirect(url_for("boards.thread", thread_id=thread_id, _anchor=f"post-{obj_id}")) if thread_id \
            else abort(404)
    if kind == "message":
        from ..chat.models import Message
        room = db.session.scalar(select(Message.room).where(Message.id == obj_id))
        return redirect(url_for("chat.room", slug=room)) if room else abort(404)
    from ..moderation.models import Sanction
    user_id = db.session.scalar(select(Sanction.user_id).where(Sanction.id == obj_id))
    return redirect(url_for("boards.neighbour", user_id=user_id)) if user_id else abort(404)


def _day(raw) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _utc(day: date | None) -> datetime | None:
    """Midnight of a day in the estate's zone, as the naive UTC the columns hold."""
    if day is None:
        return None
    local = datetime.combine(day, time(), tzinfo=zone())
    return local.astimezone(UTC).replace(tzinfo=None)


@bp.app_context_processor
def _audit_head() -> dict:
    """Documents that leave the platform (vote results) carry the chain head they were made at; oversight pages
    name audited objects in words, with a link where the object has a page."""
    return {"audit_head": services.current_head, "target_words": words.target_words, "target_link": words.target_link}
