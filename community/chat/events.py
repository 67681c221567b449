"""Socket.IO handlers: thin, over the chat services. Socket.IO skips request hooks and freezes the
session at connect, so each event loads the user afresh and re-checks their standing."""

from flask import request, session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, disconnect, join_room, leave_room

from ..accounts import services as accounts
from ..core import policy
from ..core.errors import AppError
from ..extensions import db, socketio
from . import services


def _refuse(code: str, message: str):
    raise ConnectionRefusedError({"code": code, "message": message})


@socketio.on("connect")
def on_connect(auth=None):
    token = auth.get("token") if isinstance(auth, dict) else None
    user = accounts.user_for_token(token) if isinstance(token, str) and token else (
        current_user._get_current_object() if current_user.is_authenticated else None)
    if user is None:
        _refuse("unauthenticated", "Log in first.")
    try:
        accounts.check_standing(user)
    except AppError as error:
        _refuse(error.code, str(error.message))
    session["chat_user_id"] = user.id
    join_room(f"user-{user.id}")
    if policy.is_staff(user):
        join_room(services.STAFF_WATCH)
    services.connected(request.sid, user.id)
    db.session.remove()


@socketio.on("disconnect")
def on_disconnect(*_args):
    services.disconnected(request.sid)
    db.session.remove()


def _handle(work):
    """Run an event for the current user; map errors to an acknowledgement like the HTTP error object."""
    try:
        user = services.standing(session.get("chat_user_id") or 0)
    except AppError as error:
        db.session.remove()
        disconnect()
        return {"ok": False, "error": error.to_dict()}
    try:
        return {"ok": True, **work(user)}
    except AppError as error:
        db.session.rollback()
        return {"ok": False, "error": error.to_dict()}
    finally:
        db.session.remove()


def _room_of(data):
    return data.get("room") if isinstance(data, dict) else None


@socketio.on("join")
def on_join(data=None):
    def work(user):
        room, messages = services.join(user, _room_of(data))
        join_room(room.slug)
        return {"room": room.slug, "history": messages}
    return _handle(work)


@socketio.on("leave")
def on_leave(data=None):
    def work(user):
        leave_room(_room_of(data))
        return {}
    return _handle(work)


@socketio.on("send")
def on_send(data=None):
    data = data if isinstance(data, dict) else {}

    def work(user):
        message, _created = services.send(user, data.get("room"), data.get("body"), data.get("client_id"))
        return {"id": message["id"], "status": message["status"]}
    return _handle(work)


@socketio.on("read")
def on_read(data=None):
    data = data if isinstance(data, dict) else {}

    def work(user):
        last = data.get("last_id")
        services.mark_read(user, data.get("room"), last if isinstance(last, int) else None)
        return {}
    return _handle(work)
