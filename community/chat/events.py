"""Socket.IO handlers: thin, over the chat services. Socket.IO skips request hooks and freezes the
session at connect, so each event loads the user afresh and re-checks their standing."""

from flask import request, session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, disconnect
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..accounts import services as accounts
from ..core.errors import AppError
from ..core.http import error_body
from ..core.i18n import gettext as _
from ..extensions import db, socketio
from . import live, services
from .models import ChatConnection


def _refuse(code: str, message: str):
    raise ConnectionRefusedError({"code": code, "message": message})


@socketio.on("connect")
def on_connect(auth=None):
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        user, credential = accounts.user_for_token(token), accounts.token_credential(token)
    else:
        user = current_user._get_current_object() if current_user.is_authenticated else None
        credential = accounts.session_credential(user) if user is not None else ""
    if user is None:
        _refuse("unauthenticated", _("Please log in first."))
    try:
        accounts.check_standing(user)
    except AppError as error:
        _refuse(error.code, _(str(error.message)))
    session["chat_user_id"] = user.id
    live.connected(request.sid, user, credential)
    db.session.remove()


@socketio.on("disconnect")
def on_disconnect(*_args):
    # May run inside whatever closed the socket (a refresh of audiences, in its own session): it writes through
    # a short session of its own and leaves the caller's alone.
    with Session(db.engine) as own:
        own.execute(delete(ChatConnection).where(ChatConnection.sid == request.sid))
        own.commit()


def _handle(work):
    """Run an event for the current user; map errors to an acknowledgement like the HTTP error object."""
    try:
        user = services.standing(session.get("chat_user_id") or 0)
    except AppError as error:
        db.session.remove()
        disconnect()
        return {"ok": False, "error": error_body(error)}
    try:
        return {"ok": True, **work(user)}
    except AppError as error:
        db.session.rollback()
        return {"ok": False, "error": error_body(error)}
    finally:
        db.session.remove()


def _room_of(data):
    return data.get("room") if isinstance(data, dict) else None


@socketio.on("join")
def on_join(data=None):
    def work(user):
        room, messages = services.join(user, _room_of(data))
        live.joined(request.sid, user, room)
        return {"room": room.slug, "history": messages}
    return _handle(work)


@socketio.on("leave")
def on_leave(data=None):
    def work(user):
        slug = _room_of(data)
        if isinstance(slug, str):
            live.left(request.sid, slug)
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
