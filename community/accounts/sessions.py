"""Signing in and staying signed in: password checks, web sessions, bearer tokens, front-desk reset codes.

Sessions and tokens end when their owner logs out (wherever the cookie or token was copied), after
``SESSION_IDLE_DAYS`` without use, and ``SESSION_MAX_DAYS`` after they began. Every ending of *all* of a
person's sessions goes through ``services.end_sessions``.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, func, select, update
from werkzeug.security import check_password_hash

from ..audit import services as audit
from ..core import events, identity, policy, reads, unitmemo
from ..core.errors import Denied, Invalid, InvalidCredentials, NotFound, RateLimited
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..core.web import local_full
from ..extensions import db
from ..moderation import sanctions
from ..notifications.models import Notification
from ..rules import services as rules
from .models import ApiToken, ResetCode, User, WebSession

TOUCH_EVERY = timedelta(minutes=10)  # how stale last-seen may get before a request writes it
RESET_CODE_MINUTES = 30
RESET_CODES_PER_STAFF_HOUR = 20
RESET_CODES_PER_ACCOUNT_HOUR = 3


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dummy_hash() -> str:
    """A hash made like real ones, checked when the phone is unknown so that both answers take as long."""
    config = current_app.config
    if "_DUMMY_PASSWORD_HASH" not in config:
        from .services import hash_password
        config["_DUMMY_PASSWORD_HASH"] = hash_password(secrets.token_urlsafe(12))
    return config["_DUMMY_PASSWORD_HASH"]


def authenticate(phone, password) -> User:
    """Check credentials only; standing is checked by ``check_standing``. Closed accounts do not sign in."""
    if not isinstance(phone, str) or not isinstance(password, str) or not phone or not password:
        raise InvalidCredentials(_("Wrong phone number or password."))
    user = db.session.scalar(select(User).where(User.phone == identity.normalize_phone(phone)))
    stored = user.password_hash if user is not None and user.closed_at is None else _dummy_hash()
    if not check_password_hash(stored, password) or user is None or user.closed_at is not None:
        raise InvalidCredentials(_("Wrong phone number or password."))
    return user


def check_standing(user: User, *, suspended: bool | None = None) -> None:
    """Raise the 403 an account that may not use the platform should see. ``suspended``: whether a suspension
    is in force, when the caller read it with the user (``chat.services.standing``); None to look it up."""
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
        raise Denied(_("Your account may not sign in."), code="forbidden")
    suspension = sanctions.in_force(user.id, "suspend") if suspended is not False else None
    if suspension is not None:
        raise Denied(_("Your account is suspended until %(until)s.", until=local_full(suspension.ends_at)),
                     code="suspended", **sanctions.facts(suspension))


def standing(actor, *, writing: bool = False) -> None:
    """Whether an account may act now, the one place that decides it for pages, the API and sockets: raise the
    error it should see (pending, rejected, suspended, blacklisted; for writing also muted or the current rules
    not accepted)."""
    if actor is None:
        raise Denied(_("Please log in first."), code="unauthenticated", status=401)
    check_standing(actor, suspended=_read_suspension(actor.id))
    if writing:
        require_writer(actor)


def require_writer(actor) -> None:
    """Whoever posts or chats must be approved, not muted, and have accepted the current rules."""
    policy.require_member(actor)
    if actor.muted_until is not None and actor.muted_until > utcnow():
        raise Denied(_("You are muted until %(until)s.", until=local_full(actor.muted_until)), code="muted",
                     until=iso(actor.muted_until))
    rules.require_accepted(actor)


def _alive(started, last_used, now) -> bool:
    config = current_app.config
    return (started > now - timedelta(days=config["SESSION_MAX_DAYS"])
            and (last_used or started) > now - timedelta(days=config["SESSION_IDLE_DAYS"]))


# ---- bearer tokens ----------------------------------------------------------------------------

def issue_token(user: User) -> str:
    check_standing(user)
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    now = utcnow()
    found = db.session.execute(_BY_TOKEN, {"digest": _digest(token), "now": now}).first()
    if found is None or not _alive(found[0].created_at, found[0].last_used_at, now):
        return None
    row, user, suspended = found
    if row.last_used_at is None or row.last_used_at < now - TOUCH_EVERY:
        reads.defer("token_used", row.id, token_id=row.id, at=now)
    _remember_suspension(user.id, suspended)
    return user


@reads.writer("token_used")
def _touch_token(token_id: int, at) -> None:
    """Last use is written after the response (``core.reads``): a request that only reads writes nothing."""
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))


@reads.writer("session_seen")
def _touch_session(session_id: int, at) -> None:
    db.session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=at))


def revoke_token(token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        events.audience_changed(row.user_id)
        db.session.commit()


# ---- what an open socket connected with -------------------------------------------------------------

def token_credential(token: str) -> str:
    return f"token:{_digest(token)}"


def session_credential(user: User) -> str:
    return f"session:{user.session_version}:{getattr(user, '_session_key', '') or ''}"


def credential_alive(user: User, credential: str) -> bool:
    """Whether what a socket connected with still holds: an unrevoked token, or a web session not ended."""
    kind, _sep, value = credential.partition(":")
    if kind == "token":
        return db.session.scalar(select(ApiToken.id).where(ApiToken.token_hash == value, ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))) is not None
    if kind != "session":
        return False
    version, _sep, key = value.partition(":")
    if version != str(user.session_version):
        return False
    return not key or db.session.scalar(select(WebSession.id).where(
        WebSession.key == key, WebSession.user_id == user.id, WebSession.ended_at.is_(None))) is not None


# ---- web sessions -----------------------------------------------------------------------------

def start_web_session(user: User) -> str:
    """A server-side session for a browser that just logged in; the key goes into the signed cookie."""
    key = secrets.token_urlsafe(24)
    db.session.add(WebSession(user_id=user.id, key=key))
    db.session.commit()
    user._session_key = key
    return key


def end_web_session(session_id: str | None, reason: str = "logout") -> bool:
    """End the session a cookie names; answer False if it names none."""
    key = _session_key(session_id)
    if not key:
        return False
    user_id = db.session.scalar(select(WebSession.user_id).where(WebSession.key == key))
    db.session.execute(update(WebSession).where(WebSession.key == key, WebSession.ended_at.is_(None))
                       .values(ended_at=utcnow(), ended_reason=reason))
    if user_id is not None:
        events.audience_changed(user_id)
    db.session.commit()
    return True


def _session_key(session_id: str | None) -> str | None:
    parts = (session_id or "").split(":")
    return parts[2] if len(parts) == 3 and parts[2] else None


def load_session_user(session_id: str) -> User | None:
    """The user behind a web session cookie, if that session has not ended, idled out or grown too old.

    A cookie of two parts (``id:version``) names no server-side session: they are only minted from this
    code's ``get_id`` outside a login (tests), since migration 0011 ended all earlier cookies."""
    parts = session_id.split(":") if isinstance(session_id, str) else []
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts[:2]):
        return None
    now = utcnow()
    found = db.session.execute(_BY_SESSION, {"id": int(parts[0]), "key": parts[2] if len(parts) == 3 else None,
                                             "now": now}).first()
    if found is None:
        return None
    user, suspended, unread, version = found[:4]
    if user.session_version != int(parts[1]) or user.closed_at is not None:
        return None
    rules.known_version(version)
    unitmemo.keep(_UNREAD_KEY, (user.id, unread))
    if len(parts) == 3:
        if found.session_id is None or found.ended_at is not None \
                or not _alive(found.created_at, found.last_seen_at, now):
            return None
        if found.last_seen_at < now - TOUCH_EVERY:
            reads.defer("session_seen", found.session_id, session_id=found.session_id, at=now)
        user._session_key = parts[2]
    _remember_suspension(user.id, suspended)
    return user


# Built once, as every request runs one of them: the request's user with their session or token and whether a
# suspension is in force, in one statement; ``standing`` then reads the suspension from the request. A page
# (the session's statement) also reads what every page shows or checks of its reader: the nav badge's unread
# count and the adopted rules version, kept for the unit of work (``known_unread``, ``rules.known_version``).
_UNREAD_KEY = unitmemo.name("linli.notifications.unread")
_UNREAD = select(func.count(Notification.id)).where(Notification.user_id == User.id,
                                                    Notification.read_at.is_(None)).scalar_subquery()
_BY_SESSION = (select(User, sanctions.suspended(User.id), _UNREAD, rules.ADOPTED_VERSION,
                      WebSession.id.label("session_id"), WebSession.ended_at, WebSession.created_at,
                      WebSession.last_seen_at)
               .outerjoin(WebSession, (WebSession.user_id == User.id) & (WebSession.key == bindparam("key")))
               .where(User.id == bindparam("id")))
_BY_TOKEN = (select(ApiToken, User, sanctions.suspended(User.id)).join(User, User.id == ApiToken.user_id)
             .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None)))


def known_unread(user_id: int) -> int | None:
    """The user's unread notifications as their session's statement counted them in this unit of work, if it
    did and nothing was written since."""
    known = unitmemo.recall(_UNREAD_KEY, None)
    return known[1] if known and known[0] == user_id else None


def _remember_suspension(user_id: int, suspended) -> None:
    if has_request_context():  # on the request itself, not ``g``: tests keep one app context across requests
        request.linli_suspended = (user_id, bool(suspended))


def _read_suspension(user_id: int) -> bool | None:
    """Whether this request's user was read suspended, when they were read with the request; None otherwise."""
    known = getattr(request, "linli_suspended", None) if has_request_context() else None
    return known[1] if known and known[0] == user_id else None


def active_sessions(user: User) -> dict:
    now = utcnow()
    config = current_app.config
    idle = now - timedelta(days=config["SESSION_IDLE_DAYS"])
    oldest = now - timedelta(days=config["SESSION_MAX_DAYS"])
    web = db.session.scalar(select(func.count(WebSession.id)).where(
        WebSession.user_id == user.id, WebSession.ended_at.is_(None), WebSession.last_seen_at > idle,
        WebSession.created_at > oldest))
    tokens = db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.created_at > oldest,
        func.coalesce(ApiToken.last_used_at, ApiToken.created_at) > idle))
    return {"web": web, "tokens": tokens}


# ---- the old password, checked again ------------------------------------------------------------

def change_password(actor: User, old, new) -> None:
    from . import limits
    from .services import _password, end_sessions, hash_password

    policy.require(actor, "account.change_password")
    limits.check("password", f"user:{actor.id}")
    if not isinstance(old, str) or not check_password_hash(actor.password_hash, old):
        limits.failed("password", f"user:{actor.id}")
        raise Invalid(_("The current password is wrong."), field="old_password")
    _password(new, "new_password")
    actor.password_hash = hash_password(new)
    end_sessions(actor, "password_changed")
    if policy.is_staff(actor):
        audit.record(actor, "account.password_changed", f"user:{actor.id}", {})
    db.session.commit()


# ---- password recovery at the front desk -----------------------------------------------------------

def _code_digest(code: str) -> str:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), code.encode(), hashlib.sha256).hexdigest()


def issue_reset_code(actor, user_id) -> tuple[str, object]:
    """Staff, having seen the person's ID card at the desk, give them a code to set a new password with.
    Answer the code (shown once, never stored) and its expiry. An earlier unused code stops working."""
    policy.require(actor, "account.reset_code")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.closed_at is not None or (user.role in ("staff", "admin") and actor.role != "admin"):
        raise NotFound(_("No such user."))
    now = utcnow()
    hour = now - timedelta(hours=1)
    by_staff = db.session.scalar(select(func.count(ResetCode.id)).where(
        ResetCode.issued_by_id == actor.id, ResetCode.created_at > hour))
    for_account = db.session.scalar(select(func.count(ResetCode.id)).where(
        ResetCode.user_id == user.id, ResetCode.created_at > hour))
    if by_staff >= RESET_CODES_PER_STAFF_HOUR or for_account >= RESET_CODES_PER_ACCOUNT_HOUR:
        raise RateLimited(_("Too many reset codes this hour; please wait and try again."), retry_after=3600)
    db.session.execute(update(ResetCode).where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None))
                       .values(used_at=now))
    code = f"{secrets.randbelow(10**8):08d}"
    expires = now + timedelta(minutes=RESET_CODE_MINUTES)
    db.session.add(ResetCode(user_id=user.id, code_hash=_code_digest(code), issued_by_id=actor.id,
                             created_at=now, expires_at=expires))
    audit.record(actor, "account.reset_code_issued", f"user:{user.id}", {"expires_at": iso(expires)})
    db.session.commit()
    return code, expires


def reset_password(phone, code, password) -> User:
    """Set a new password with the phone and the front desk's code. The code works once, within its 30
    minutes; every session and token of the account ends. Wrong codes answer like wrong passwords."""
    from .services import _password, end_sessions, hash_password

    if not isinstance(code, str) or not isinstance(phone, str):
        raise InvalidCredentials(_("Wrong phone number or reset code."))
    _password(password)
    user = db.session.scalar(select(User).where(User.phone == identity.normalize_phone(phone)))
    now = utcnow()
    row = None if user is None else db.session.scalar(select(ResetCode).where(
        ResetCode.user_id == user.id, ResetCode.used_at.is_(None), ResetCode.expires_at > now,
        ResetCode.code_hash == _code_digest(code.strip())))
    if row is None:
        raise InvalidCredentials(_("Wrong phone number or reset code."))
    row.used_at = now
    user.password_hash = hash_password(password)
    end_sessions(user, "password_reset")
    audit.record(user, "account.password_reset", f"user:{user.id}", {"code_issued_by": row.issued_by_id})
    db.session.commit()
    return user
