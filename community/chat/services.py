"""Live chat: rooms, messages under the interaction rules, history and catch-up, the front desk.

Every function takes the actor, checks standing and the policy, writes, commits, and only then
emits to Socket.IO, so a message is never broadcast before it is stored."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts import services as accounts
from ..accounts.models import User
from ..audit import services as audit
from ..core import fetch, policy, reads, sanitize, scope
from ..core.errors import Denied, Invalid, NotFound, RuleViolation, is_id, whole_number
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building
from ..extensions import db
from ..moderation import sanctions
from ..rules import services as rules
from . import live
from .models import DeskConversation, Message, RoomRead

STORED_MAX = 20_000  # what a row may hold; a message is as long as the rules allow (max_length_chat)
HISTORY = 50
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


@dataclass(frozen=True)
class Room:
    slug: str
    kind: str
    building: str | None = None
    owner_id: int | None = None


FIXED = {"lobby": "lobby", "committee": "committee", "staff": "staff", "announcements": "announcements"}


def parse_room(slug) -> Room:
    """A room from its slug, or 404 for anything that is not a room."""
    if isinstance(slug, str):
        if slug in FIXED:
            return Room(slug, FIXED[slug])
        kind, _sep, rest = slug.partition("-")
        if kind == "building" and rest and db.session.scalar(select(Building.id).where(Building.code == rest)):
            return Room(slug, "building", building=rest)
        owner_id = whole_number(rest) if kind == "desk" else None
        if is_id(owner_id) and db.session.get(User, owner_id) is not None:
            return Room(slug, "desk", owner_id=owner_id)
    raise NotFound(_("No such room."))


def parse_room_or_none(slug) -> Room | None:
    try:
        return parse_room(slug)
    except NotFound:
        return None


def room_name(room: Room) -> str:
    names = {"lobby": _("Lobby"), "committee": _("Owners' committee"), "staff": _("Staff room"),
             "announcements": _("Announcements")}
    if room.kind == "building":
        return _("Building %(n)s", n=room.building)
    if room.kind == "desk":
        return _("Front desk")
    return names[room.kind]


def _readable(actor, slug) -> Room:
    """404 for rooms the actor may not read: they look the same as rooms that do not exist."""
    policy.require_member(actor)
    room = parse_room(slug)
    if not policy.can(actor, "chat.read", room):
        raise NotFound(_("No such room."))
    return room


# Built once: every event runs these, and building a statement costs about as much as running it.
# A user comes with all an event reads about them (rules, rooms, their public card), whether a suspension is in
# force, and the adopted rules (a send checks them), in one statement.
_USER = select(User, sanctions.suspended(User.id).label("suspended"), rules.ADOPTED_VERSION,
               rules.ADOPTED_POLICY).where(User.id == bindparam("id")).options(
    joinedload(User.registration), joinedload(User.unit_links))
_BY_CLIENT_ID = select(Message).where(Message.author_id == bindparam("author"),
                                      Message.client_id == bindparam("client_id"))
_INSERT = insert(Message.__table__).returning(Message.__table__.c.id)


def standing(user_id: int) -> User:
    """The user as the database says now: sockets re-check this on every event."""
    row = db.session.execute(_USER, {"id": user_id, "now": utcnow()}).unique().one_or_none()
    if row is None:
        raise Denied(_("Please log in first."), code="unauthenticated", status=401)
    accounts.check_standing(row[0], suspended=bool(row[1]))
    rules.known_adopted(row[2], row[3])
    return row[0]


# ---- rooms and history ------------------------------------------------------------------------

def rooms(actor) -> list[dict]:
    policy.require_member(actor)
    candidates = [Room("lobby", "lobby"), Room("announcements", "announcements")]
    candidates += [Room(f"building-{code}", "building", building=code) for code in sorted(actor.building_codes)]
    candidates += [Room("committee", "committee"), Room("staff", "staff")]
    if not policy.is_staff(actor):
        candidates.append(Room(f"desk-{actor.id}", "desk", owner_id=actor.id))
    visible = [r for r in candidates if policy.can(actor, "chat.read", r)]
    unread = _unread_counts(actor, [r.slug for r in visible])
    return [{"slug": r.slug, "name": room_name(r), "kind": r.kind, "can_send": policy.can(actor, "chat.send", r),
             "unread": unread.get(r.slug, 0)} for r in visible]


def _unread_counts(actor, slugs: list[str]) -> dict[str, int]:
    """Each room's visible messages by others after the reader's marker, for every room in one statement (each
    room's count walks its part of the (room, id) index from the marker on)."""
    if not slugs:
        return {}
    marker = func.coalesce(select(RoomRead.last_read_id).where(
        RoomRead.user_id == actor.id, RoomRead.room == Message.room).scalar_subquery(), 0)
    counts = dict(db.session.execute(
        select(Message.room, func.count(Message.id))
        .where(Message.room.in_(slugs), Message.id > marker, Message.status == "visible",
               Message.author_id != actor.id)
        .group_by(Message.room)).all())
    return {slug: counts.get(slug, 0) for slug in slugs}


def history(actor, slug, *, before: int | None = None, after: int | None = None, limit: int = HISTORY) -> list[dict]:
    """Oldest first. ``after`` catches up after a reconnect; ``before`` pages backwards."""
    room = _readable(actor, slug)
    query = select(Message).where(Message.room == room.slug, scope.content(actor, Message)).options(
        selectinload(Message.author).selectinload(User.unit_links))
    if after is not None:
        rows = list(db.session.scalars(query.where(Message.id > after).order_by(Message.id).limit(limit)))
    else:
        if before is not None:
            query = query.where(Message.id < before)
        rows = list(reversed(db.session.scalars(query.order_by(Message.id.desc()).limit(limit)).all()))
    return [serialize(m) for m in rows]


def mark_read(actor, slug, last_id: int | None = None) -> None:
    room = _readable(actor, slug)
    if last_id is None:
        last_id = db.session.scalar(select(func.max(Message.id)).where(Message.room == room.slug)) or 0
    updated = db.session.execute(update(RoomRead).where(RoomRead.user_id == actor.id, RoomRead.room == room.slug,
                                                        RoomRead.last_read_id < last_id).values(last_read_id=last_id))
    if updated.rowcount == 0 and db.session.scalar(select(RoomRead.id).where(
            RoomRead.user_id == actor.id, RoomRead.room == room.slug)) is None:
        db.session.add(RoomRead(user_id=actor.id, room=room.slug, last_read_id=last_id))
    db.session.commit()


def seen(actor, room: Room, history: list[dict]) -> None:
    """The room page shows its latest messages: the room is read up to the last of them, recorded after the
    response (``core.reads``), and only when that moves the reader's marker."""
    if not history:
        return
    last_id = history[-1]["id"]
    marker = db.session.scalar(select(RoomRead.last_read_id).where(RoomRead.user_id == actor.id,
                                                                  RoomRead.room == room.slug))
    if marker is None or marker < last_id:
        reads.defer("room", (actor.id, room.slug), user_id=actor.id, room=room.slug, last_id=last_id)


@reads.writer("room")
def _record_read(user_id: int, room: str, last_id: int) -> None:
    reads.advance(RoomRead, {"user_id": user_id, "room": room}, "last_read_id", last_id)


def join(actor, slug) -> tuple[Room, list[dict]]:
    room = _readable(actor, slug)
    return room, history(actor, slug)


# ---- sending ----------------------------------------------------------------------------------

def send(actor, slug, body, client_id) -> tuple[dict, bool]:
    """Store and broadcast a message; answers (the message serialised, created). A resend with the same
    client_id answers the stored message and broadcasts nothing.

    The hot path of chat, so it spends three statements (the user with their standing and the adopted rules,
    the author's recent history, the insert) and no ORM unit of work: the row is inserted with Core and the payload
    built once from what was written. A resend is not looked up first: the unique (author, client_id) refuses its
    insert, or the rules refuse it as a repeat, and only then is the stored message read."""
    accounts.require_writer(actor)
    room = _readable(actor, slug)
    if not policy.can(actor, "chat.send", room):
        raise Denied(_("You may not write in this room."))
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise Invalid(_("Every message needs a client_id of up to 64 letters, digits or -_.:"), field="client_id")
    try:
        if not isinstance(body, str) or not body.strip():
            raise Invalid(_("Write something first."), field="body")
        if len(body) > STORED_MAX:
            raise Invalid(_("This field is too long."), field="body")
        decision = rules.check(actor, "chat", body.strip())
    except (Invalid, RuleViolation):
        existing = _resent(actor.id, client_id)
        if existing is not None:
            return existing, False
        raise
    now = utcnow()
    values = {"room": room.slug, "author_id": actor.id, "client_id": client_id, "body": decision.text,
              "body_html": sanitize.escape_text(decision.text),
              "status": "held" if decision.action == "hold" else "visible", "created_at": now}
    try:
        message_id = db.session.execute(_INSERT, values).scalar_one()
    except IntegrityError:  # nothing else is written yet: roll the whole transaction back
        db.session.rollback()
        existing = _resent(values["author_id"], client_id)
        if existing is None:
            raise
        return existing, False
    if room.kind == "desk":
        _desk_activity(actor, room, now)
    if policy.is_staff(actor):
        audit.record(actor, "chat.sent", f"message:{message_id}", {"room": room.slug, "status": values["status"]})
    payload = {"id": message_id, "room": room.slug, "author": _card(actor), "body_html": values["body_html"],
               "status": values["status"], "created_at": iso(now), "client_id": client_id}
    live.message(payload)
    db.session.commit()
    return payload, True


def _resent(author_id: int, client_id: str) -> dict | None:
    existing = db.session.scalar(_BY_CLIENT_ID, {"author": author_id, "client_id": client_id})
    return serialize(existing) if existing is not None else None


def post_link(actor, slug: str, title: str, link: str, client_id: str, at: datetime) -> Message:
    """A message pointing at what another domain published (a notice in the announcements room), added to the
    caller's transaction: the caller authorises, commits once, then calls ``broadcast``. The title is the link's
    text, never read as Markdown."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", title)
    message = Message(room=slug, author_id=actor.id, client_id=client_id, body=f"{title}\n{link}",
                      body_html=sanitize.render(f"[{escaped}]({link})"),
                      status="visible", created_at=at)
    db.session.add(message)
    db.session.flush()
    return message


def broadcast(message: Message) -> None:
    """Push a stored message to its audience once the caller's transaction commits."""
    live.message(serialize(message))


def remove(actor, message_id: int, reason=None) -> Message:
    """Staff hide a message: kept, audited, and taken off every screen in the room."""
    policy.require(actor, "chat.moderate")
    message = fetch.get(actor, Message, message_id, message=_("No such message."))
    if message.status == "hidden":
        return message
    message.status = "hidden"
    audit.record(actor, "chat.removed", f"message:{message.id}",
                 {"room": message.room, "reason": reason if isinstance(reason, str) else None})
    live.removed(message)
    db.session.commit()
    return message


def approve_held(actor, message_id: int) -> Message:
    policy.require(actor, "chat.moderate")
    message = fetch.get(actor, Message, message_id, where=lambda m: m.status == "held",
                        message=_("No such message."))
    message.status = "visible"
    audit.record(actor, "chat.approved", f"message:{message.id}", {"room": message.room})
    broadcast(message)
    db.session.commit()
    return message


# ---- the front desk ---------------------------------------------------------------------------

def _desk_activity(actor, room: Room, now: datetime) -> None:
    conversation = db.session.get(DeskConversation, room.owner_id)
    if conversation is None:
        conversation = DeskConversation(user_id=room.owner_id, status="open", last_message_at=now)
        db.session.add(conversation)
    conversation.last_message_at = now
    if actor.id == room.owner_id:
        conversation.status, conversation.closed_at, conversation.closed_by_id = "open", None, None
        conversation.waiting_since = conversation.waiting_since or now
    else:
        conversation.waiting_since = None  # staff answered
    live.desk_changed()


def desk(actor) -> list[dict]:
    """Open conversations, those waiting longest first."""
    policy.require(actor, "desk.view")
    rows = db.session.scalars(select(DeskConversation).where(DeskConversation.status == "open").order_by(
        DeskConversation.waiting_since.is_(None), DeskConversation.waiting_since, DeskConversation.last_message_at))
    rows = list(rows)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.user_id for r in rows])))} \
        if rows else {}
    now = utcnow()
    return [{"room": f"desk-{r.user_id}", "user": accounts.serialize_public(users[r.user_id]),
             "waiting_since": iso(r.waiting_since),
             "waiting_s": int((now - r.waiting_since).total_seconds()) if r.waiting_since else 0,
             "last_message_at": iso(r.last_message_at)} for r in rows]


def close_desk(actor, user_id: int) -> None:
    policy.require(actor, "desk.manage")
    conversation = db.session.get(DeskConversation, user_id)
    if conversation is None or conversation.status != "open":
        raise NotFound(_("No open conversation."))
    conversation.status, conversation.closed_at, conversation.closed_by_id = "closed", utcnow(), actor.id
    conversation.waiting_since = None
    audit.record(actor, "desk.closed", f"desk:{user_id}", {})
    live.desk_changed()
    db.session.commit()


def _card(author: User) -> dict:
    return accounts.serialize_public(author) | {"badge": policy.badge(author)}


def serialize(message: Message) -> dict:
    card = _card(message.author)
    return {"id": message.id, "room": message.room, "author": card,
            "body_html": message.body_html, "status": message.status, "created_at": iso(message.created_at),
            "client_id": message.client_id}
