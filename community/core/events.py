"""Events after commit, by construction.

A write queues what it wants pushed (socket messages and removals, disconnects, audience changes) on the unit of
work with ``queue``; nothing is sent while the transaction is open. When the outermost transaction commits the
events are sent in order; when it rolls back they are dropped. Each batch runs in a fresh application context,
so its database session is its own: whatever a handler does (a socket's disconnect handler runs at once, in this
thread) cannot touch the session of the request that committed. Recipients are computed when an event is sent.
"""

import logging
from collections.abc import Callable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "linli.events"
HANDLERS: dict[str, Callable[..., None]] = {}


def handler(kind: str):
    """Register the function that sends events of ``kind``; it takes the event's fields as keywords."""
    def register(fn):
        HANDLERS[kind] = fn
        return fn
    return register


def queue(kind: str, **fields) -> None:
    """Send after the current transaction commits; dropped if it rolls back."""
    from ..extensions import db
    db.session.info.setdefault(_KEY, []).append((kind, fields))


def audience_changed(*user_ids: int) -> None:
    """What these people may read has changed (rights, role, sanction, credential): once the change commits,
    their open sockets are decided again (``chat.live.refresh``)."""
    queued = {f["user_id"] for kind, f in pending() if kind == "audience"}
    for user_id in dict.fromkeys(user_ids):
        if user_id not in queued:
            queue("audience", user_id=user_id)


def pending() -> list[tuple[str, dict]]:
    """What the current unit of work will send (tests look at this)."""
    from ..extensions import db
    return list(db.session.info.get(_KEY, ()))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    batch = session.info.pop(_KEY, None)
    if not batch or not has_app_context():
        return
    # Audiences are decided last, so that a socket about to close still hears why (``sanctioned``).
    batch.sort(key=lambda item: item[0] == "audience")
    with current_app._get_current_object().app_context():
        for kind, fields in batch:
            try:
                HANDLERS[kind](**fields)
            except Exception:  # the write has committed; a push that fails must not turn it into an error
                log.exception("event %s failed", kind)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)
