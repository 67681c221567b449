"""The estate's rules of procedure for owners' votes: kept by the committee, audited, public, and copied into
each vote when it is created, so that changing them later never changes a vote already under way."""

from ..audit import services as audit
from ..core import policy
from ..core.errors import Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..extensions import db
from .common import body_of, whole
from .models import VoteProcedure

DEFAULTS = {"notice_days": 15, "objection_days": 7, "proxy_max": 3, "paper_precedence": "first"}
LIMITS = {"notice_days": (0, 60), "objection_days": (0, 30), "proxy_max": (1, 20)}
PRECEDENCE = ("first", "online")


def current() -> dict:
    row = db.session.get(VoteProcedure, 1)
    if row is None:
        return dict(DEFAULTS)
    return {name: getattr(row, name) for name in DEFAULTS}


def read(actor) -> dict:
    policy.require(actor, "vote.read")
    return current()


def update(actor, data) -> dict:
    policy.require(actor, "vote.procedure")
    data = body_of(data)
    values = {}
    for name, (low, high) in LIMITS.items():
        if name in data:
            values[name] = whole(data[name], name, low, high)
    if "paper_precedence" in data:
        if data["paper_precedence"] not in PRECEDENCE:
            raise Invalid(_("Choose first or online."), field="paper_precedence")
        values["paper_precedence"] = data["paper_precedence"]
    before = current()
    changed = {k: v for k, v in values.items() if before[k] != v}
    if not changed:
        return before
    row = db.session.get(VoteProcedure, 1)
    if row is None:
        row = VoteProcedure(id=1, **DEFAULTS)
        db.session.add(row)
    for name, value in changed.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    audit.record(actor, "vote.procedure_changed", "vote_procedure",
                 {"before": {k: before[k] for k in changed}, "after": changed})
    db.session.commit()
    return current()


def of_vote(vote) -> dict:
    return {name: getattr(vote, name) for name in DEFAULTS}
