"""What a statement of this unit of work read beside its main business (a rules version, an unread count), kept
in the session's ``info`` so that a later ask in the same unit of work costs nothing, and forgotten at every
flush, commit and rollback: a change written in this transaction, or committed by anyone before the next one,
is what the next ask reads."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_NAMES: set[str] = set()
MISSING = object()


def name(text: str) -> str:
    """A memo's name, forgotten with the others (``_forget``)."""
    _NAMES.add(text)
    return text


def keep(memo: str, value) -> None:
    db.session.info[memo] = value


def recall(memo: str, default=MISSING):
    return db.session.info.get(memo, default)


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    info = session.info
    for memo in _NAMES:
        info.pop(memo, None)
