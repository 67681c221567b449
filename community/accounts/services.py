"""Accounts: registration, approval, login and tokens, staff and committee appointments."""

import hashlib
import re
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import services as audit
from ..core import events, identity, policy
from ..core.errors import Conflict, Denied, Invalid, InvalidCredentials, NotFound, RulesNotAccepted, is_id
from ..core.policy import SYSTEM_CHANNELS
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Owner, Unit
from ..estate.services import find_unit
from ..extensions import db
from ..rules import services as rules
from .models import RELATIONS, ROLE_FOR_RELATION, ApiToken, Registration, User, UserUnit

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

    secret = current_app.config["SECRET_KEY"]
    digest = identity.id_hash(secret, number)
    if is_blacklisted_identity(digest):
        raise Denied(_("This identity is blacklisted and may not register."), code="blacklisted")
    roster_match = relation == "owner" and unit is not None and db.session.scalar(
        select(func.count(Owner.id)).where(Owner.unit_id == unit.id, Owner.ended_at.is_(None),
                                           Owner.id_hash == digest, Owner.name == real_name)) > 0

    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is not None and user.status == "blacklisted":
        raise Denied(_("This identity is blacklisted and may not register."), code="blacklisted")
    display_name = _display_name(data, user)
    if user is not None:
        if user.status != "rejected" or not check_password_hash(user.password_hash, password):
            raise Conflict(_("This phone number is already registered."), field="phone")
        reg = user.registration
        reg.attempts += 1
        reg.decided_at = reg.decided_by_id = reg.reason = None
    else:
        other = db.session.scalar(select(User.id).where(User.id_hash == digest))
        if other is not None:
            raise Conflict(_("An account with this ID number already exists."), field="id_number")
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


def standing(actor, *, writing: bool = False) -> None:
    """Whether an account may act now, the one place that decides it for pages, the API and sockets: raise the
    error it should see (pending, rejected, suspended, blacklisted; for writing also muted or the current rules
    not accepted)."""
    if actor is None:
        raise Denied(_("Please log in first."), code="unauthenticated", status=401)
    check_standing(actor)
    if writing:
        require_writer(actor)


def require_writer(actor) -> None:
    """Whoever posts or chats must be approved, not muted, and have accepted the current rules."""
    policy.require_member(actor)
    if actor.muted_until is not None and actor.muted_until > utcnow():
        raise Denied(_("You are muted until %(until)s.", until=iso(actor.muted_until)), code="muted",
                     until=iso(actor.muted_until))
    rules.require_accepted(actor)


def is_blacklisted_identity(digest: str) -> bool:
    return db.session.scalar(
        select(func.count(User.id)).where(User.id_hash == digest, User.status == "blacklisted")) > 0


def list_registrations(actor, status: str = "pending", *, after: int = 0, limit: int = 50) -> list[Registration]:
    policy.require(actor, "registration.list")
    if status not in {"pending", "approved", "rejected"}:
        raise Invalid(_("Status must be pending, approved or rejected."), field="status")
    return list(db.session.scalars(
        select(Registration).join(User, User.id == Registration.id)
        .where(User.status == status, Registration.id > after).order_by(Registration.id).limit(limit)))


def _pending_registration(actor, registration_id: int) -> Registration:
    policy.require(actor, "registration.decide")
    reg = db.session.get(Registration, registration_id)
    if reg is None:
        raise NotFound(_("No such registration."))
    if reg.user.status != "pending":
        raise Conflict(_("This registration has already been decided."))
    return reg


def approve(actor, registration_id: int) -> Registration:
    reg = _pending_registration(actor, registration_id)
    user, now = reg.user, utcnow()
    user.status = "approved"
    reg.decided_at, reg.decided_by_id, reg.reason = now, actor.id, None
    units: list[Unit] = []
    if reg.relation == "owner":
        units = list(db.session.scalars(
            select(Unit).join(Owner, Owner.unit_id == Unit.id)
            .where(Owner.id_hash == user.id_hash, Owner.ended_at.is_(None)).order_by(Unit.id)))
    if reg.unit is not None and reg.unit not in units:
        units.insert(0, reg.unit)
    for unit in units:
        db.session.add(UserUnit(user_id=user.id, unit_id=unit.id, relation=reg.relation, started_at=now))
    audit.record(actor, "registration.approved", f"user:{user.id}",
                 {"relation": reg.relation, "roster_match": reg.roster_match, "units": [u.code for u in units]})
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


# ---- login and tokens -------------------------------------------------------------------------

def authenticate(phone, password) -> User:
    """Check credentials only; standing is checked by ``check_standing``."""
    if not isinstance(phone, str) or not isinstance(password, str) or not phone or not password:
        raise InvalidCredentials(_("Wrong phone number or password."))
    user = db.session.scalar(select(User).where(User.phone == identity.normalize_phone(phone)))
    if user is None or not check_password_hash(user.password_hash, password):
        raise InvalidCredentials(_("Wrong phone number or password."))
    return user


def check_standing(user: User) -> None:
    """Raise the 403 an account that may not use the platform should see."""
    if user.status == "pending":
        raise Denied(_("Your registration is waiting for the property company's approval."),
                     code="pending_approval")
    if user.status == "rejected":
        reason = user.registration.reason if user.registration else ""
        raise Denied(_("Your registration was rejected: %(reason)s", reason=reason), code="rejected",
                     reason=reason)
    from ..moderation import sanctions

    if user.status == "blacklisted":
        found = sanctions.in_force(user.id, "blacklist")
        raise Denied(_("You have been removed from the community."), code="blacklisted",
                     **(sanctions.facts(found) if found else {"until": None, "sanction_id": None, "reentry": None}))
    if user.status != "approved":
        raise Denied(_("Your account may not sign in."), code=user.status)
    suspension = sanctions.in_force(user.id, "suspend")
    if suspension is not None:
        raise Denied(_("Your account is suspended until %(until)s.", until=iso(suspension.ends_at)),
                     code="suspended", **sanctions.facts(suspension))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    check_standing(user)
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    db.session.commit()
    return token


def token_credential(token: str) -> str:
    return f"token:{_digest(token)}"


def session_credential(user: User) -> str:
    return f"session:{user.session_version}"


def credential_alive(user: User, credential: str) -> bool:
    """Whether what a socket connected with still holds: an unrevoked token, or the session version."""
    kind, _sep, value = credential.partition(":")
    if kind == "token":
        return db.session.scalar(select(ApiToken.id).where(ApiToken.token_hash == value, ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))) is not None
    return kind == "session" and value == str(user.session_version)


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                                   ApiToken.revoked_at.is_(None)))
    return row.user if row else None


def revoke_token(token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        events.audience_changed(row.user_id)
        db.session.commit()


def revoke_all_tokens(user: User) -> None:
    """Caller commits. Also ends every web session through ``session_version``."""
    now = utcnow()
    for row in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
        row.revoked_at = now
    user.session_version += 1
    events.audience_changed(user.id)


def change_password(actor: User, old, new) -> None:
    policy.require(actor, "account.change_password")
    if not isinstance(old, str) or not check_password_hash(actor.password_hash, old):
        raise Invalid(_("The current password is wrong."), field="old_password")
    _password(new, "new_password")
    actor.password_hash = hash_password(new)
    revoke_all_tokens(actor)
    if policy.is_staff(actor):
        audit.record(actor, "account.password_changed", f"user:{actor.id}", {})
    db.session.commit()


def load_session_user(session_id: str) -> User | None:
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.session_version == version else None


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

def serialize_public(user: User) -> dict:
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
        select(User.id, User.display_name, User.role, User.committee, Building.code)
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
    return {row.id: {"id": row.id, "display_name": row.display_name, "building": held.get(row.id, row.code),
                     "role": row.role, "committee": row.committee} for row in people}


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
    }


def serialize_registration(reg: Registration, viewer) -> dict:
    user = reg.user
    full = policy.is_staff(viewer)
    return {
        "id": reg.id, "real_name": user.real_name if full else identity.mask_name(user.real_name),
        "phone": user.phone if full else identity.mask_phone(user.phone),
        "id_last4": user.id_last4 if full else None,
        "relation": reg.relation, "unit": reg.unit.code if reg.unit else None, "organization": reg.organization,
        "roster_match": reg.roster_match, "status": user.status, "reason": reg.reason, "attempts": reg.attempts,
        "submitted_at": iso(reg.submitted_at), "decided_at": iso(reg.decided_at),
    }
