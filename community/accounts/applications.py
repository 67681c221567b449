"""An application for an account, from the applicant's side: every problem of a form at once, correcting
the name and unit while it waits, and withdrawing it. Registering itself is ``services.register``."""

from flask import current_app

from ..audit import services as audit
from ..core.errors import AppError, Conflict, Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..estate.services import find_unit
from ..extensions import db
from . import services
from .models import RELATIONS, User

UNIT_NEEDED = "unit_needed"


def problems(data: dict) -> list[AppError]:
    """Every field-level problem of an application, in the order of the form, so that the page can show them
    all at once (``register`` stops at the first, as the API has always answered)."""
    found: list[AppError] = []

    def check(call) -> None:
        try:
            call()
        except AppError as error:
            found.append(error)

    check(lambda: services._text(data, "real_name", max_len=services.NAME_MAX))
    check(lambda: services._phone(data))
    check(lambda: services._password(data.get("password")))
    check(lambda: services._id_number(data))
    relation = data.get("relation")
    if relation not in RELATIONS:
        found.append(Invalid(_("Choose owner, family, tenant or vendor."), field="relation"))
    check(lambda: _unit(data, relation))
    if relation == "vendor" and not (data.get("organization") or "").strip():
        found.append(Invalid(_("Vendors name their organisation."), field="organization"))
    elif relation in RELATIONS and relation != "vendor" and (data.get("organization") or "").strip():
        found.append(Invalid(_("Only vendors name an organisation."), field="organization"))
    name = (data.get("display_name") or "").strip()
    if name and not services.DISPLAY_NAME_RE.match(name):
        found.append(Invalid(_("A display name has 2 to 32 characters, without spaces or punctuation."),
                             field="display_name"))
    check(lambda: services._rules_version(data))
    return found


def _unit(data: dict, relation):
    """Owners, family members and tenants live somewhere on the roster; a vendor may name a unit."""
    code = (data.get("unit") or "").strip() if isinstance(data.get("unit"), str) else ""
    if not code:
        if relation in RELATIONS and relation != "vendor":
            raise Invalid(_("Give the unit you live in or own, e.g. 3-2-1201: the property company checks it "
                            "against the roster."), field="unit", code=UNIT_NEEDED)
        return None
    unit = find_unit(code)
    if unit is None:
        raise Invalid(_("There is no such unit on the roster."), field="unit")
    return unit


def _pending(user: User):
    if user is None or user.status != "pending" or user.registration is None:
        raise Conflict(_("Only an application that is still waiting can be changed."))
    return user.registration


def correct(user: User, data: dict):
    """The applicant corrects their real name or unit while the application waits; its place in the queue is
    kept, and the roster match is checked again."""
    reg = _pending(user)
    if not isinstance(data, dict):
        raise Invalid(_("Send a JSON object."), field="body")
    real_name = services._text(data, "real_name", max_len=services.NAME_MAX)
    unit = _unit(data, reg.relation)
    before = {"real_name": user.real_name, "unit": reg.unit.code if reg.unit else None}
    user.real_name, reg.unit = real_name, unit
    reg.roster_match = reg.relation == "owner" and services._roster_match(unit, user.id_hash, real_name)
    after = {"real_name": user.real_name, "unit": unit.code if unit else None}
    if before != after:
        audit.record(user, "registration.corrected", f"user:{user.id}",
                     {"unit": after["unit"], "unit_before": before["unit"],
                      "name_changed": before["real_name"] != after["real_name"]})
    db.session.commit()
    return reg


def withdraw(user: User):
    """The applicant withdraws: the application ends as if rejected, with the applicant as the decider and
    a reason saying so, and they may apply again with the same phone and password. Nothing is deleted."""
    reg = _pending(user)
    user.status = "rejected"
    reg.decided_at, reg.decided_by_id, reg.reason = utcnow(), user.id, _("Withdrawn by the applicant.")
    audit.record(user, "registration.withdrawn", f"user:{user.id}", {})
    db.session.commit()
    return reg


def withdrawn(user: User) -> bool:
    reg = user.registration
    return bool(reg is not None and user.status == "rejected" and reg.decided_by_id == user.id)


def desk() -> dict:
    """What the pending page tells an applicant: the usual wait, and when and where the front desk answers."""
    config = current_app.config
    return {"wait": config["REVIEW_WAIT"], "hours": config["DESK_HOURS"], "phone": config["DESK_PHONE"]}
