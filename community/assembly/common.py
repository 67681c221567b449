"""What the petitions and the committee's register share: reading one entry, and listing them newest first."""

from ..core import policy
from ..core.errors import NotFound, is_id
from ..extensions import db


def readable(actor, action: str, model, object_id, missing: str):
    """One row the actor may read: the right to read first, then the row (a malformed id is missing too)."""
    policy.require(actor, action)
    found = db.session.get(model, object_id) if is_id(object_id) else None
    if found is None:
        raise NotFound(missing)
    return found


def newest(actor, action: str, query, id_column, *, before: int | None, limit: int) -> list:
    """A page of ``query`` (already ordered newest first) for an actor allowed ``action``, before an id."""
    policy.require(actor, action)
    if before:
        query = query.where(id_column < before)
    return list(db.session.scalars(query.limit(limit)))
