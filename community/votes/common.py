"""What every part of the owners' votes shares: finding a vote the actor may see, the deadline safety net,
text checks and the one door to notifications."""

import json

from sqlalchemy import select

from ..core import policy
from ..core.errors import Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Vote

TITLE_MAX = 120
BODY_MAX = 20000
EVIDENCE_MAX = 500
NOTE_MAX = 500
STATUSES = ("draft", "announced", "open", "closed", "final")
COUNTED = ("closed", "final")  # a result exists


def find(actor, vote_id) -> Vote:
    """A vote the actor may see (drafts: the committee only), settled first by the clock."""
    policy.require(actor, "vote.read")
    vote = db.session.get(Vote, vote_id) if isinstance(vote_id, int) and not isinstance(vote_id, bool) else None
    if vote is None or (vote.status == "draft" and not policy.can(actor, "vote.manage")):
        raise NotFound(_("No such vote."))
    settle(vote)
    return vote


def settle(vote: Vote) -> None:
    """The scheduled job closes votes on time; reading a vote past its deadline closes it too, as a safety net.
    Opening stays with the job or the committee."""
    from . import lifecycle
    if vote.status == "open" and vote.closes_at <= utcnow() and lifecycle.finish(vote, None):
        db.session.commit()


def list_votes(actor, *, before: int | None = None, limit: int = 50) -> list[Vote]:
    """Newest first; drafts only for the committee."""
    policy.require(actor, "vote.read")
    for vote in db.session.scalars(select(Vote).where(Vote.status == "open", Vote.closes_at <= utcnow())):
        settle(vote)
    query = select(Vote).order_by(Vote.id.desc()).limit(limit)
    if not policy.can(actor, "vote.manage"):
        query = query.where(Vote.status != "draft")
    if before:
        query = query.where(Vote.id < before)
    return list(db.session.scalars(query))


def text(value, field: str, max_len: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(_("This field is required."), field=field)
    if len(value.strip()) > max_len:
        raise Invalid(_("This field is too long."), field=field)
    return value.strip()


def body_of(data) -> dict:
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    return data


def whole(value, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(_("Give a whole number from %(low)s to %(high)s.", low=low, high=high), field=field)
    return value


def form_id(value):
    """An id given as JSON or as a form field's text ("12"); anything else as it came, for ``is_id`` to refuse."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


def loads(raw: str | None):
    return json.loads(raw) if raw else None


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def notify(user_ids, vote: Vote, event: str) -> int:
    """The one place votes reach notifications: ``event`` is announced, opened, closing, extended, corrected
    (a document of the announcement), result or final. The caller commits."""
    from ..notifications.services import notify as write
    ids = sorted(set(user_ids))
    write(ids, f"vote_{event}", target=f"vote:{vote.id}", detail={"title": vote.title})
    return len(ids)
