"""Who hears what, live: each user's sockets, the rooms they joined, and the events pushed to them.

Writes queue events here (``message``, ``removed``, ``sanctioned``, and ``core.events.audience_changed``);
they are sent after the writer's transaction commits, in a database session of their own (``core.events``).
Audiences are decided by the policy when an event is sent, and again whenever a person's rights change: their
sockets leave the rooms they may no longer read and close when the credential they connected with has ended.
Rooms are joined and left through the server's manager, so with a Redis message queue this reaches the sockets
of every process."""

from sqlalchemy import delete, select, update

from ..accounts import services as accounts
from ..accounts.models import User
from ..core import events, policy
from ..core.errors import AppError
from ..extensions import db, socketio
from .models import ChatConnection

STAFF_WATCH = "staff-watch"  # the sockets of those who answer the front desk: desk activity


def held_room(slug: str) -> str:
    """The audience of a room's held messages: its readers who may see held items (``policy.sees_held``)."""
    return f"{slug}:held"


def user_room(user_id: int) -> str:
    return f"user-{user_id}"


# ---- what writes queue ------------------------------------------------------------------------

def message(payload: dict) -> None:
    events.queue("chat.message", payload=payload)


def removed(row) -> None:
    """``message_removed`` is built here and nowhere else."""
    events.queue("chat.removed", payload={"id": row.id, "room": row.room})


def sanctioned(user_id: int, event: dict, *, disconnect: bool) -> None:
    events.queue("chat.sanctioned", user_id=user_id, event=event, disconnect=disconnect)


def desk_changed() -> None:
    """The front desk's queue changed (a resident wrote, staff answered or closed): the desk page reloads its list."""
    if not any(kind == "chat.desk_queue" for kind, _f in events.pending()):
        events.queue("chat.desk_queue")


@events.handler("chat.desk_queue")
def _push_desk_queue() -> None:
    socketio.emit("desk_queue", {}, to=STAFF_WATCH)


@events.handler("chat.message")
def _push_message(payload: dict) -> None:
    if payload["status"] == "visible":
        socketio.emit("message", payload, to=payload["room"])
    else:
        socketio.emit("message", payload, to=[user_room(payload["author"]["id"]), held_room(payload["room"])])


@events.handler("chat.removed")
def _push_removed(payload: dict) -> None:
    socketio.emit("message_removed", payload, to=payload["room"])


@events.handler("chat.sanctioned")
def _push_sanction(user_id: int, event: dict, disconnect: bool) -> None:
    if disconnect:
        disconnect_user(user_id, event)
    else:
        socketio.emit("sanctioned", event, to=user_room(user_id))


# ---- connections ------------------------------------------------------------------------------

def connected(sid: str, user, credential: str) -> None:
    """Record a socket and put it in the rooms that are the user's own."""
    db.session.merge(ChatConnection(sid=sid, user_id=user.id, credential=credential, rooms=""))
    db.session.commit()
    socketio.server.enter_room(sid, user_room(user.id), namespace="/")
    if policy.watches_desk(user):
        socketio.server.enter_room(sid, STAFF_WATCH, namespace="/")


def joined(sid: str, user, room) -> None:
    socketio.server.enter_room(sid, room.slug, namespace="/")
    if policy.sees_held(user, room):
        socketio.server.enter_room(sid, held_room(room.slug), namespace="/")
    _set_rooms(sid, lambda rooms: rooms | {room.slug})


def left(sid: str, slug: str) -> None:
    socketio.server.leave_room(sid, slug, namespace="/")
    socketio.server.leave_room(sid, held_room(slug), namespace="/")
    _set_rooms(sid, lambda rooms: rooms - {slug})


def _set_rooms(sid: str, change) -> None:
    current = db.session.scalar(select(ChatConnection.rooms).where(ChatConnection.sid == sid))
    if current is None:
        return
    rooms = change(set(current.split()))
    db.session.execute(update(ChatConnection).where(ChatConnection.sid == sid).values(rooms=" ".join(sorted(rooms))))
    db.session.commit()


def disconnected(sid: str) -> None:
    db.session.execute(delete(ChatConnection).where(ChatConnection.sid == sid))
    db.session.commit()


def disconnect_user(user_id: int, event: dict | None = None) -> int:
    """Tell a user's sockets why, then close them, in whichever process holds them."""
    if event is not None:
        socketio.emit("sanctioned", event, to=user_room(user_id))
    sids = list(db.session.scalars(select(ChatConnection.sid).where(ChatConnection.user_id == user_id)))
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
    return len(sids)


@events.handler("audience")
def refresh(user_id: int) -> None:
    """Re-decide every socket of a user from what the database and the policy say now."""
    from .services import parse_room_or_none

    connections = [(c.sid, c.credential, c.rooms.split()) for c in db.session.scalars(
        select(ChatConnection).where(ChatConnection.user_id == user_id))]
    if not connections:
        return
    user = db.session.get(User, user_id)
    try:
        if user is None:
            raise LookupError
        accounts.check_standing(user)
        active = True
    except (AppError, LookupError):
        active = False
    plan = []  # decided first, sent after: a disconnect runs its handler at once and ends this session
    for sid, credential, slugs in connections:
        if not active or not accounts.credential_alive(user, credential):
            plan.append((sid, None, None))
            continue
        keep, drop, held = [], [], []
        for slug in slugs:
            room = parse_room_or_none(slug)
            if room is not None and policy.can(user, "chat.read", room):
                keep.append(slug)
                held.append((slug, policy.sees_held(user, room)))
            else:
                drop.append(slug)
        plan.append((sid, (keep, drop, held), policy.watches_desk(user)))
    manager = socketio.server
    for sid, rooms, watches in plan:
        if rooms is None:
            manager.disconnect(sid, namespace="/")
            continue
        keep, drop, held = rooms
        for slug in drop:
            manager.leave_room(sid, slug, namespace="/")
            manager.leave_room(sid, held_room(slug), namespace="/")
            socketio.emit("room_left", {"room": slug}, to=sid)
        for slug, sees in held:
            (manager.enter_room if sees else manager.leave_room)(sid, held_room(slug), namespace="/")
        (manager.enter_room if watches else manager.leave_room)(sid, STAFF_WATCH, namespace="/")
        if drop:
            db.session.execute(update(ChatConnection).where(ChatConnection.sid == sid).values(
                rooms=" ".join(keep)))
    db.session.commit()
