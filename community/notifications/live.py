"""The live side of notifications: after the write commits, each person's open pages hear
``notification {"count", "item"}`` on their own socket room."""

from flask import current_app
from sqlalchemy import func, select

from ..accounts import services as accounts
from ..core import events
from ..extensions import db
from . import texts
from .models import Notification


@events.handler("notification")
def send(user_ids: list[int], fields: dict) -> None:
    """Each person's unread count (one grouped statement for all of them) and the item, to their own room."""
    from ..chat.live import user_room
    from ..extensions import socketio

    counts = dict(db.session.execute(select(Notification.user_id, func.count(Notification.id)).where(
        Notification.user_id.in_(user_ids), Notification.read_at.is_(None)).group_by(Notification.user_id)).all())
    row = Notification(**{k: v for k, v in fields.items() if k != "created_at"})
    card = accounts.public_cards({row.actor_id}).get(row.actor_id) if row.actor_id else None
    title = texts.thread_titles({row.thread_id}).get(row.thread_id) if row.thread_id else None
    with current_app.test_request_context("/"):  # links and words outside the writer's request (jobs too)
        item = {"kind": row.kind, "text": texts.describe(row, card["display_name"] if card else None, title),
                "link": texts.link(row), "created_at": fields["created_at"]}
    for user_id in user_ids:
        socketio.emit("notification", {"count": counts.get(user_id, 0), "item": item}, to=user_room(user_id))
