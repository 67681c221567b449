"""Turns the policy's scopes into SQL, so that every list and search reads exactly what the policy admits."""

from sqlalchemy import and_, false, or_, true

from . import policy


def content(actor, model):
    """A filter for rows of ``model`` (anything with ``status`` and ``author_id``) that ``actor`` may read."""
    found = policy.content_scope(actor)
    if found.statuses >= policy.ALL_STATUSES:
        return true()
    terms = [_status_in(model, found.statuses)] if found.statuses else []
    if found.own and found.author_id is not None:
        terms.append(and_(_status_in(model, found.own), model.author_id == found.author_id))
    return or_(*terms) if terms else false()


def _status_in(model, statuses: frozenset):
    # One status is an equality: the planner's best case, and what the indexes on status were made for.
    if len(statuses) == 1:
        (only,) = statuses
        return model.status == only
    return model.status.in_(sorted(statuses))
