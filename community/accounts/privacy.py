"""Personal data the owner controls (PIPL arts. 44–47): a copy of everything held about them, and closing.

Closing ends every session at once and hides the person behind "closed account" wherever others see them.
After ``CLOSED_RETENTION_DAYS`` the real name, phone, ID hash and password are overwritten; what others need
(their posts, votes, tickets) stays, shown without a name. The audit chain is never touched: its entries name
accounts by id, and show what the account is now.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash

from ..audit import services as audit
from ..audit.models import AuditEntry
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import Base, db
from .models import ResetCode, User, UserUnit

# Columns that are secrets or keyed hashes: the export says they exist, never what they hold.
SECRET_COLUMNS = {"password_hash", "token_hash", "code_hash", "id_hash", "key"}
EXPORT_ROWS_PER_TABLE = 10_000


def _value(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    return value


def _user_columns(table) -> list:
    return [column for column in table.columns
            if any(fk.column.table.name == "users" and fk.column.name == "id" for fk in column.foreign_keys)]


def _acting(column) -> bool:
    """A column that names who did something to someone else's row (an approval, a sanction, a reply): such
    rows are the other person's data, so the export counts them instead of copying them."""
    return column.name in ("actor_id", "staff_id") or (column.name.endswith("_by_id") and column.name != "cast_by_id")


def export(actor: User) -> dict:
    """Every row about the caller, table by table, with secrets left out and other people's ids blanked; the
    account itself; the audit entries about it, without who wrote them; and how many rows of other people's
    the caller acted on."""
    policy.require(actor, "account.export")
    tables: dict[str, list[dict]] = {}
    acted: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        columns = _user_columns(table)
        if table.name == "users" or not columns:
            continue
        subject = [c for c in columns if not _acting(c)]
        for column in columns:
            if _acting(column):
                count = db.session.scalar(select(func.count()).select_from(table).where(column == actor.id))
                if count:
                    acted[f"{table.name}.{column.name}"] = count
        if not subject:
            continue
        rows = db.session.execute(select(table).where(or_(*(c == actor.id for c in subject)))
                                  .limit(EXPORT_ROWS_PER_TABLE)).mappings().all()
        if not rows:
            continue
        user_columns = {c.name for c in columns}
        tables[table.name] = [
            {name: (_value(value) if name not in user_columns or value == actor.id else None)
             for name, value in row.items() if name not in SECRET_COLUMNS} for row in rows]
    about = db.session.execute(select(AuditEntry.seq, AuditEntry.at, AuditEntry.action)
                               .where(AuditEntry.target == f"user:{actor.id}").order_by(AuditEntry.seq)).all()
    account = {c.name: _value(getattr(actor, c.key)) for c in User.__table__.columns
               if c.name not in SECRET_COLUMNS}
    account["has_id_number"] = actor.id_hash is not None
    return {"exported_at": iso(utcnow()), "account": account, "records": tables, "acted_on_others": acted,
            "audit_about_me": [{"seq": r.seq, "at": iso(r.at), "action": r.action} for r in about],
            "retention_days_after_closing": current_app.config["CLOSED_RETENTION_DAYS"]}


def close_own(actor: User, password) -> User:
    """The person closes their own account; the password confirms it is them."""
    policy.require(actor, "account.close")
    if actor.role in ("staff", "admin"):
        raise Invalid(_("Staff accounts are closed by an admin."), field="password")
    if not isinstance(password, str) or not check_password_hash(actor.password_hash, password):
        raise Invalid(_("The current password is wrong."), field="password")
    _close(actor, actor, "owner")
    db.session.commit()
    return actor


def close_by_staff(actor, user_id, reason) -> User:
    """Staff close an account after a sale, once it holds no unit any more."""
    policy.require(actor, "account.close_other")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.role in ("staff", "admin"):
        raise NotFound(_("No such user."))
    if user.closed_at is not None:
        raise Conflict(_("This account is already closed."))
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
        raise Invalid(_("Give a reason."), field="reason")
    held = db.session.scalar(select(UserUnit.id).where(UserUnit.user_id == user.id,
                                                       UserUnit.ended_at.is_(None)).limit(1))
    if held is not None:
        raise Conflict(_("This account still holds a unit; record the sale on the roster first."))
    _close(user, actor, "staff", reason.strip())
    db.session.commit()
    return user


def _close(user: User, actor, by: str, reason: str | None = None) -> None:
    from .services import end_sessions

    now = utcnow()
    user.closed_at = now
    user.committee = False
    end_sessions(user, "closed")
    db.session.execute(update(UserUnit).where(UserUnit.user_id == user.id, UserUnit.ended_at.is_(None))
                       .values(ended_at=now))
    audit.record(actor, "account.closed", f"user:{user.id}", {"by": by, **({"reason": reason} if reason else {})})


def purge_due(now: datetime) -> int:
    """Overwrite the personal data of accounts closed longer than the retention period. Idempotent: a purged
    account is never purged again, and two runners write the same values."""
    cutoff = now - timedelta(days=current_app.config["CLOSED_RETENTION_DAYS"])
    ids = list(db.session.scalars(select(User.id).where(User.closed_at.is_not(None), User.closed_at <= cutoff,
                                                        User.purged_at.is_(None))))
    for user_id in ids:
        db.session.execute(update(User).where(User.id == user_id, User.purged_at.is_(None)).values(
            real_name="", phone=f"closed-{user_id}", display_name=f"closed-{user_id}", id_hash=None,
            id_last4=None, password_hash="!", purged_at=now))
        db.session.execute(update(ResetCode).where(ResetCode.user_id == user_id).values(code_hash=""))
    db.session.commit()
    return len(ids)
