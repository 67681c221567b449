"""Fetch and authorise in one call, as flaskr's ``get_post``: what is missing and what the caller may not see
answer the same 404, so a guess at an id learns nothing."""

from ..extensions import db
from . import policy
from .errors import NotFound, is_id
from .i18n import gettext as _


def get(actor, model, ident, *, action: str | None = None, message: str | None = None, where=None):
    """The row of ``model`` with id ``ident`` that a member in good standing may ``action`` (existence alone
    when no action is named); ``where`` is a further test of the row, such as its kind."""
    policy.require_member(actor)
    found = db.session.get(model, ident) if is_id(ident) else None
    if found is None or (where is not None and not where(found)) \
            or (action is not None and not policy.can(actor, action, found)):
        raise NotFound(message or _("Not found."))
    return found
