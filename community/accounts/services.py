"""Accounts: registration, approval, login and tokens, staff and committee appointments."""

import re
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased, contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import services as audit
from ..core import events, identity, policy
from ..core.errors import Conflict, Denied, Invalid, NotFound, RulesNotAccepted, is_id
from ..core.i18n import gettext as _
from ..core.keys import write_once
from ..core.policy import SYSTEM_CHANNELS
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Owner, Unit
from ..estate.services import find_unit
from ..extensions import db
from ..rules import services as rules
from .models import RELATIONS, ROLE_FOR_RELATION, ApiToken, Registration, User, UserUnit, WebSession
from .sessions import (  # noqa: F401  (other domains reach sign-in through this module)
    authenticate,
    check_standing,
    credential_alive,
    issue_token,
    load_session_user,
    require_writer,
    revoke_token,
    session_credential,
    standing,
    token_credential,
    user_for_token,
)

NAME_MAX = 32


# ---- validation -------------------------------------------------------------------------------

def _text(data: dict, field: str, *, required: bool = True, max_len: int = 64) -> str | None:
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_("This field is required."), field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(_("This field must be text."), field=field)
    value = value.strip()
    if len(value) > max_len:
        raise Invalid(_("This field is too long."), field=field)
    return value


def _phone(data: dict) -> str:
    phone = identity.normalize_phone(_text(data, "phone", max_len=20))
    if not identity.valid_phone(phone):
        raise Invalid(_("Enter a mainland mobile number of 11 digits."), field="phone")
    return phone


def _password(value, field: str = "password") -> str:
    problem = identity.password_problem(value)
    if problem == "short":
        raise Invalid(_("The password must have at least 8 characters."), field=field)
    if problem == "long":
        raise Invalid(_("The password is too long."), field=field)
    if problem == "common":
        raise Invalid(_("This password is too common; choose another."), field=field)
    return value


def _id_number(data: dict) -> str:
    number = identity.normalize_id_number(_text(data, "id_number", max_len=18))
    if not identity.valid_id_number(number):
        raise Invalid(_("The ID number is not valid."), field="id_number")
    return number


def _rules_version(data: dict) -> int:
    raw = data.get("accepted_rules_version")
    version = raw if isinstance(raw, int) and not isinstance(raw, bool) else (
        int(raw) if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit() else None)
    if version is None or version != rules.current_version():
        raise RulesNotAccepted(_("Please read and accept the current interaction rules."),
                               field="accepted_rules_version", status=400,
                               current_version=rules.current_version())
    return version


def id_key() -> str:
    """The key of the ID-number hash. Its own key (``COMMUNITY_ID_HASH_KEY`` or ``instance/id_hash_key``) so that
    the session-signing key can change without losing every match with the roster and the blacklist. An
    installation whose hashes were made with the signing key keeps that key, written into the file."""
    config = current_app.config
    if config.get("ID_HASH_KEY"):
        return config["ID_HASH_KEY"]
    path = Path(current_app.instance_path) / "id_hash_key"
    if not path.exists():
        legacy = db.session.scalar(select(func.count(User.id)).where(User.id_hash.is_not(None))) or \
            db.session.scalar(select(func.count(Owner.id)).where(Owner.id_hash.is_not(None)))
        write_once(path, config["SECRET_KEY"] if legacy else secrets.token_hex(32))
    config["ID_HASH_KEY"] = path.read_text().strip()
    return config["ID_HASH_KEY"]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


DISPLAY_NAME_RE = re.compile(r"^[^\s@<>\[\]()`*_~,，。:：;；!！?？\\/\"']{2,32}$")


def _display_name(data: dict, user: User | None = None) -> str:
    """Display names are how neighbours know and @mention each other: unique, no spaces or markup."""
    name = _text(data, "display_name", required=False, max_len=NAME_MAX)
    if name is None:
        while True:
            name = _("Neighbour") + secrets.token_hex(2).upper()
            if not _display_name_taken(name, user):
                return name
    if not DISPLAY_NAME_RE.match(name):
        raise Invalid(_("A display name has 2 to 32 characters, without spaces or punctuation."),
                      field="display_name")
    if _display_name_taken(name, user):
        raise Conflict(_("This display name is taken."), field="display_name")
    return name


def _staff_display_name(data: dict, real_name: str) -> str:
    if data.get("display_name"):
        return _display_name(data)
    if DISPLAY_NAME_RE.match(real_name) and not _display_name_taken(real_name, None):
        return real_name
    return _display_name({})


def _display_name_taken(name: str, user: User | None) -> bool:
    query = select(User.id).where(func.lower(User.display_name) == name.lower())
    if user is not None and user.id is not None:
        query = query.where(User.id != user.id)
    return db.session.scalar(query.limit(1)) is not None


# ---- registration ---------------------------------------------------------------------------

def register(data: dict) -> User:
    """Apply for an account. A rejected applicant applies again with the same phone and password."""
    if not isinstance(data, dict):
        raise Invalid(_("Send a JSON object."), field="body")
    real_name = _text(data, "real_name", max_len=NAME_MAX)
    phone = _phone(data)
    password = data.get("password")
    _password(password)
    number = _id_number(data)
    relation = data.get("relation")
    if relation not in RELATIONS:
        raise Invalid(_("Choose owner, family, tenant or vendor."), field="relation")
    unit = None
    if relation != "vendor":
        code = _text(data, "unit", max_len=32)
        unit = find_unit(code)
        if unit is None:
            raise Invalid(_("There is no such unit on the roster."), field="unit")
    elif data.get("unit"):
        unit = find_unit(data.get("unit"))
        if unit is None:
            raise Invalid(_("There is no such unit on the roster."), field="unit")
    organization = _text(data, "organization", required=relation == "vendor", max_len=128)
    if organization and relation != "vendor":
        raise Invalid(_("Only vendors name an organisation."), field="organization")
    version = _rules_version(data)

    digest = identity.id_hash(id_key(), number)
    if is_blacklisted_identity(digest):
        raise Denied(_("This identity is blacklisted and may not register."), code="blacklisted")
    roster_match = relation == "owner" and _roster_match(unit, digest, real_name)

    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is not None and user.status == "blacklisted":
        raise Denied(_("This identity is blacklisted and may not register."), code="blacklisted")
    # One identity, one account, on every path: a new phone, and a re-application (or correction) after a
    # rejection, which must not borrow another person's ID number for an account already in use.
    other = db.session.scalar(select(User.id).where(
        User.id_hash == digest, User.id != (user.id if user is not None else 0)).limit(1))
    if user is not None and (user.status != "rejected" or not check_password_hash(user.password_hash, password)):
        raise Conflict(_("This phone number is already registered."), field="phone")
    if other is not None:
        raise Conflict(_("An account with this ID number already exists."), field="id_number")
    display_name = _display_name(data, user)
    if user is not None:
        reg = user.registration
        reg.attempts += 1
        reg.decided_at = reg.decided_by_id = reg.reason = reg.ownership = None
    else:
        user = User(phone=phone, password_hash=hash_password(password))
        reg = Registration(user=user, attempts=1)
        db.session.add_all([user, reg])
    user.real_name, user.display_name = real_name, display_name
    user.role, user.status = ROLE_FOR_RELATION[relation], "pending"
    user.id_hash, user.id_last4 = digest, identity.id_last4(number)
    user.accepted_rules_version = version
    reg.relation, reg.unit, reg.organization = relation, unit, organization
    reg.roster_match, reg.submitted_at = roster_match, utcnow()
    db.session.commit()
    return user


def _roster_match(unit: Unit | None, digest: str, real_name: str) -> bool:
    return unit is not None and db.session.scalar(
        select(func.count(Owner.id)).where(Owner.unit_id == unit.id, Owner.ended_at.is_(None),
                                           Owner.id_hash == digest, Owner.name == real_name)) > 0


def is_blacklisted_identity(digest: str) -> bool:
    return db.session.scalar(
        select(func.count(User.id)).where(User.id_hash == digest, User.status == "blacklisted")) > 0


def list_registrations(actor, status: str = "pending", *, after: int = 0, limit: int = 50) -> list[Registration]:
    policy.require(actor, "registration.list")
    if status not in {"pending", "approved", "rejected"}:
        raise Invalid(_("Status must be pending, approved or rejected."), field="status")
    # Each row's applicant comes with it (contains_eager): the page reads ``reg.user`` for every row.
    return list(db.session.scalars(
        select(Registration).join(Registration.user).options(contains_eager(Registration.user))
        .where(User.status == status, Registration.id > after).order_by(Registration.id).limit(limit)))


def _pending_registration(actor, registration_id: int) -> Registration:
    policy.require(actor, "registration.decide")
    reg = db.session.get(Registration, registration_id)
    if reg is None:
        raise NotFound(_("No such registration."))
    if reg.user.status != "pending":
        raise Conflict(_("This registration has already been decided."))
    return reg


def approve(actor, registration_id: int, reason=None, as_=None) -> Registration:
    """Approve an application. An owner claim the roster does not confirm (checked again now, so that a roster
    corrected in the meantime counts) needs a reason and ``as_="unverified"``: resident rights, no vote."""
    reg = _pending_registration(actor, registration_id)
    user, now = reg.user, utcnow()
    if as_ not in (None, "unverified"):
        raise Invalid(_("Approve as verified or as ownership unverified."), field="as")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 500):
        raise Invalid(_("This field is too long."), field="reason")
    reason = reason.strip() if isinstance(reason, str) and reason.strip() else None
    claim = reg.relation == "owner"
    reg.roster_match = claim and _roster_match(reg.unit, user.id_hash, user.real_name)
    unverified = claim and not reg.roster_match
    if unverified and (as_ != "unverified" or reason is None):
        raise Invalid(_("The owner claim does not match the roster: correct the roster first, or give a reason "
                        "and approve as ownership unverified."), field="reason")
    user.status = "approved"
    reg.decided_at, reg.decided_by_id, reg.reason = now, actor.id, reason
    units: list[Unit] = []
    if reg.relation == "owner" and not unverified:
        units = list(db.session.scalars(
            select(Unit).join(Owner, Owner.unit_id == Unit.id)
            .where(Owner.id_hash == user.id_hash, Owner.ended_at.is_(None)).order_by(Unit.id)))
    if reg.unit is not None and reg.unit not in units:
        units.insert(0, reg.unit)
    relation = "unverified" if unverified else reg.relation
    if unverified:
        user.role, reg.ownership = "resident", "unverified"
    elif claim:
        reg.ownership = "verified"
    for unit in units:
        db.session.add(UserUnit(user_id=user.id, unit_id=unit.id, relation=relation, started_at=now))
    detail = {"relation": reg.relation, "roster_match": reg.roster_match, "units": [u.code for u in units]}
    if unverified:
        detail |= {"as": "unverified", "reason": reason}
    audit.record(actor, "registration.approved", f"user:{user.id}", detail)
    events.audience_changed(user.id)
    db.session.commit()
    return reg


def reject(actor, registration_id: int, reason) -> Registration:
    reg = _pending_registration(actor, registration_id)
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid(_("Give the applicant a reason."), field="reason")
    if len(reason) > 500:
        raise Invalid(_("This field is too long."), field="reason")
    reg.user.status = "rejected"
    reg.decided_at, reg.decided_by_id, reg.reason = utcnow(), actor.id, reason.strip()
    audit.record(actor, "registration.rejected", f"user:{reg.id}", {"reason": reg.reason})
    db.session.commit()
    return reg


# ---- rights tied to units (called by the roster import) ---------------------------------------

def end_unit_rights(unit: Unit, ended_hashes: set[str], now) -> list[int]:
    """End owner rights on ``unit`` for the people no longer on its roster; answer their user ids."""
    if not ended_hashes:
        return []
    links = db.session.scalars(
        select(UserUnit).join(User, User.id == UserUnit.user_id)
        .where(UserUnit.unit_id == unit.id, UserUnit.ended_at.is_(None), UserUnit.relation == "owner",
               User.id_hash.in_(ended_hashes))).all()
    for link in links:
        link.ended_at = now
    ended = sorted(link.user_id for link in links)
    events.audience_changed(*ended)
    return ended


def grant_owner_rights(added: dict[int, list[str]], now) -> None:
    """An approved owner who buys another unit gets its rights as soon as the roster says so.
    ``added`` maps unit ids to the owners' hashes new on them: one query serves a whole import."""
    hashes = sorted({h for unit_hashes in added.values() for h in unit_hashes})
    users: dict[str, list[int]] = {}
    for start in range(0, len(hashes), 5000):  # SQLite allows at most 32,766 bound parameters
        for user_id, digest in db.session.execute(
                select(User.id, User.id_hash).join(Registration, Registration.id == User.id).where(
                    User.id_hash.in_(hashes[start:start + 5000]), User.status == "approved",
                    Registration.relation == "owner")):
            users.setdefault(digest, []).append(user_id)
    links = [UserUnit(user_id=user_id, unit_id=unit_id, relation="owner", started_at=now)
             for unit_id, unit_hashes in added.items() for h in unit_hashes for user_id in users.get(h, [])]
    db.session.add_all(links)
    events.audience_changed(*(link.user_id for link in links))


# ---- where sessions end ---------------------------------------------------------------------------

def end_sessions(user: User, reason: str) -> None:
    """End every web session and bearer token of ``user`` (logout everywhere, password change or reset,
    suspension, blacklisting, closing). The one place this happens; the caller commits."""
    now = utcnow()
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))
    db.session.execute(update(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
                       .values(ended_at=now, ended_reason=reason[:32]))
    user.session_version += 1
    events.audience_changed(user.id)  # sockets opened with any of them close


def revoke_all_tokens(user: User) -> None:
    """Caller commits. Kept for the moderation service: a sanction ends every session."""
    end_sessions(user, "sanction")


def log_out_everywhere(actor: User) -> None:
    policy.require(actor, "account.sessions")
    end_sessions(actor, "logout_everywhere")
    db.session.commit()


# ---- staff and committee ----------------------------------------------------------------------

def create_staff(actor, data: dict, *, via: str = "api") -> User:
    if via not in SYSTEM_CHANNELS:
        policy.require(actor, "staff.create")
    if not isinstance(data, dict):
        raise Invalid(_("Send a JSON object."), field="body")
    real_name = _text(data, "real_name", max_len=NAME_MAX)
    phone = _phone(data)
    password = _password(data.get("password"))
    role = data.get("role", "staff")
    if role not in ("staff", "admin"):
        raise Invalid(_("Role must be staff or admin."), field="role")
    if db.session.scalar(select(User.id).where(User.phone == phone)) is not None:
        raise Conflict(_("This phone number is already registered."), field="phone")
    user = User(phone=phone, password_hash=hash_password(password), real_name=real_name,
                display_name=_staff_display_name(data, real_name),
                role=role, status="approved", accepted_rules_version=rules.current_version())
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "staff.created", f"user:{user.id}", {"role": role, "via": via})
    db.session.commit()
    return user


def set_committee(actor, user_id, member: bool) -> User:
    policy.require(actor, "committee.manage")
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise Invalid(_("Expected a whole number."), field="user_id")
    user = db.session.get(User, user_id) if is_id(user_id) else None
    if user is None:
        raise NotFound(_("No such user."))
    if member and (user.role != "owner" or user.status != "approved"):
        raise Invalid(_("Only approved owners can sit on the committee."), field="user_id")
    if user.committee == member:
        if member:
            raise Conflict(_("This owner is already a committee member."))
        raise NotFound(_("This user is not a committee member."))
    user.committee = member
    audit.record(actor, "committee.appointed" if member else "committee.removed", f"user:{user.id}", {})
    events.audience_changed(user.id)
    db.session.commit()
    return user


def get_user(actor, user_id: int) -> User:
    policy.require_member(actor)
    user = db.session.get(User, user_id)
    if user is None or (user.status != "approved" and not policy.is_staff(actor)):
        raise NotFound(_("No such user."))
    return user


def committee_members(actor) -> list[User]:
    policy.require(actor, "committee.manage")
    return list(db.session.scalars(select(User).where(User.committee.is_(True)).order_by(User.id)))


def staff_members(actor) -> list[User]:
    policy.require(actor, "staff.create")
    return list(db.session.scalars(select(User).where(User.role.in_(["staff", "admin"])).order_by(User.id)))


# ---- what each viewer may see -----------------------------------------------------------------

def closed_name() -> str:
    return _("Closed account")


def serialize_public(user: User) -> dict:
    if user.closed_at is not None:
        return {"id": user.id, "display_name": closed_name(), "building": None, "role": user.role,
                "committee": False}
    return {"id": user.id, "display_name": user.display_name, "building": user.building_code,
            "role": user.role, "committee": user.committee}


def public_cards(ids) -> dict[int, dict]:
    """``serialize_public`` for many users at once, from two column queries (no User objects): a page of a
    hundred posts needs its authors' cards, and loading each author with its units costs most of the page."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    registered = aliased(Unit)
    people = db.session.execute(
        select(User.id, User.display_name, User.role, User.committee, User.closed_at, Building.code)
        .outerjoin(Registration, Registration.id == User.id)
        .outerjoin(registered, registered.id == Registration.unit_id)
        .outerjoin(Building, Building.id == registered.building_id)
        .where(User.id.in_(ids))).all()
    # The building of the first unit still held, as User.primary_unit has it; else the unit applied for.
    # Rows newest first, so the oldest link is the one the dict keeps.
    held = dict(db.session.execute(
        select(UserUnit.user_id, Building.code).join(Unit, Unit.id == UserUnit.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(UserUnit.user_id.in_(ids), UserUnit.ended_at.is_(None)).order_by(UserUnit.id.desc())).all())
    closed = closed_name()
    return {row.id: {"id": row.id, "display_name": row.display_name, "building": held.get(row.id, row.code),
                     "role": row.role, "committee": row.committee} if row.closed_at is None else
            {"id": row.id, "display_name": closed, "building": None, "role": row.role, "committee": False}
            for row in people}


def serialize_user(user: User, viewer) -> dict:
    """Staff see what they need to work; everyone else (the person included: they have /me) the public card."""
    if not policy.is_staff(viewer):
        return serialize_public(user)
    unit = user.primary_unit
    return serialize_public(user) | {
        "real_name": user.real_name, "phone": user.phone, "status": user.status,
        "relation": user.registration.relation if user.registration else None,
        "unit": unit.code if unit else None, "units": [u.code for u in user.units]}


def serialize_me(user: User) -> dict:
    unit = user.primary_unit
    return {
        "id": user.id, "display_name": user.display_name, "real_name": user.real_name, "phone": user.phone,
        "role": user.role, "relation": user.registration.relation if user.registration else None,
        "unit": unit.code if unit else None, "units": [u.code for u in user.units],
        "building": user.building_code, "committee": user.committee, "status": user.status,
        "muted_until": iso(user.muted_until) if user.muted_until and user.muted_until > utcnow() else None,
        "accepted_rules_version": user.accepted_rules_version,
        "ownership": user.registration.ownership if user.registration else None,
    }


def serialize_registration(reg: Registration, viewer) -> dict:
    user = reg.user
    full = policy.is_staff(viewer)
    return {
        "id": reg.id, "real_name": user.real_name if full else identity.mask_name(user.real_name),
        "phone": user.phone if full else identity.mask_phone(user.phone),
        "id_last4": user.id_last4 if full else None,
        "relation": reg.relation, "unit": reg.unit.code if reg.unit else None, "organization": reg.organization,
        "roster_match": reg.roster_match, "ownership": reg.ownership,
        "status": user.status, "reason": reg.reason, "attempts": reg.attempts,
        "submitted_at": iso(reg.submitted_at), "decided_at": iso(reg.decided_at),
    }
