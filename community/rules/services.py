"""Interaction rules: the adopted version everyone accepts before taking part."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core import policy
from ..core.errors import Invalid, NotFound
from ..extensions import db
from .models import RulesVersion


def current() -> RulesVersion | None:
    return db.session.scalar(
        select(RulesVersion).where(RulesVersion.status == "adopted").order_by(RulesVersion.version.desc()).limit(1))


def current_version() -> int | None:
    return db.session.scalar(select(func.max(RulesVersion.version)).where(RulesVersion.status == "adopted"))


def get(version: int) -> RulesVersion:
    found = db.session.get(RulesVersion, version)
    if found is None:
        raise NotFound(_("No such rules version."))
    return found


def accept(actor, version) -> int:
    policy.require(actor, "rules.accept")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(_("Give the version number you accept."), field="version")
    if version != current_version():
        raise Invalid(_("Only the current version can be accepted."), field="version")
    actor.accepted_rules_version = version
    db.session.commit()
    return version


def serialize(rules: RulesVersion) -> dict:
    return {"version": rules.version, "text": rules.text, "clauses": rules.clauses, "policy": rules.policy,
            "status": rules.status}
