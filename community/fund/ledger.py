"""The per-unit ledger (分户账): opening balances, deposits, interest shares, charges and reversals.

Every posting is one batch of lines, written with its audit entry in one commit. Nothing is edited or deleted:
a correction reverses a whole batch (a second batch with every line negated), which restores every unit.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import case, func, select, text
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Owner, Unit
from ..extensions import db
from .models import FundBatch, FundEntry, FundSettings
from .split import split_by_area

MONEY_MAX = 10**13  # 100 billion yuan in fen: past any estate's fund
MEMO_MAX = 200
MAX_IMPORT_ROWS = 20000
KINDS = ("opening", "deposit", "interest", "charge", "income", "reversal")
RAISED_KINDS = ("opening", "deposit")  # the money owners paid in: the base of the low-balance warning


def format_money(fen: int) -> str:
    fen = int(fen)  # PostgreSQL's SUM of a BIGINT is NUMERIC
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def format_area(centi: int) -> str:
    return f"{centi // 100}.{centi % 100:02d}"


def parse_money(raw, field: str, *, allow_zero: bool = False) -> int:
    """ "123.45" (or a whole number) of yuan as fen; positive, at most two decimals."""
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value != value.quantize(Decimal("0.01")) \
            or value < 0 or (value == 0 and not allow_zero) or value * 100 >= MONEY_MAX:
        raise Invalid(_("Give an amount in yuan with at most two decimals, greater than zero."), field=field)
    return int(value * 100)


def memo_text(raw, field: str = "memo", *, required: bool = True, max_len: int = MEMO_MAX) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()):
        raise Invalid(_("This field is required."), field=field)
    if len(raw.strip()) > max_len:
        raise Invalid(_("This field is too long."), field=field)
    return raw.strip()


def lock_money() -> None:
    """Serialise the writes that check a balance or a prior line first (imports, transfers). SQLite has one
    writer at a time already; PostgreSQL needs the lock, held to the end of the transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(727016)"))


def settings() -> FundSettings:
    """The one row (id 1), made on first use; a second request making it at the same moment finds it made."""
    found = db.session.get(FundSettings, 1)
    if found is None:
        try:
            with db.session.begin_nested():
                db.session.add(FundSettings(id=1))
        except IntegrityError:
            pass
        found = db.session.get(FundSettings, 1)
    return found


def update_settings(actor, data) -> FundSettings:
    policy.require(actor, "fund.settings")
    found = settings()
    changes = {}
    for name, low, high in (("low_balance_percent", 1, 100), ("disclosure_months", 1, 12), ("request_days", 1, 60)):
        if name in data:
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise Invalid(_("The number is out of range."), field=name)
            setattr(found, name, value)
            changes[name] = value
    found.updated_at = utcnow()
    audit.record(actor, "fund.settings", "fund", changes)
    db.session.commit()
    return found


# ---- posting ---------------------------------------------------------------------------------------

def _post(actor, kind: str, memo: str, lines: dict[int, int], *, raised: bool, reverses_id=None,
          detail: dict | None = None) -> FundBatch:
    """Write one batch of lines {unit_id: fen} and its audit entry; the caller commits."""
    now = utcnow()
    batch = FundBatch(kind=kind, memo=memo, total_fen=sum(lines.values()), reverses_id=reverses_id,
                      created_by_id=actor.id if actor else None, created_at=now)
    db.session.add(batch)
    db.session.flush()
    db.session.execute(FundEntry.__table__.insert(), [
        {"batch_id": batch.id, "unit_id": unit_id, "amount_fen": fen, "raised": raised, "created_at": now}
        for unit_id, fen in lines.items() if fen])
    audit.record(actor, f"fund.{kind}", f"fund_batch:{batch.id}",
                 {"total": format_money(batch.total_fen), "units": len(lines), "memo": memo, **(detail or {})})
    return batch


def _units_by_code(codes) -> dict[str, Unit]:
    codes = list(codes)
    found = {}
    for start in range(0, len(codes), 900):
        chunk = codes[start:start + 900]
        found.update({u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(chunk)))})
    return found


def parse_opening_csv(data: bytes) -> list[dict]:
    """Columns ``unit,amount`` (a header row first, as the bank's export has); rows are numbered as in the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The file must be UTF-8 CSV."), field="file") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:2] != ["unit", "amount"]:
        raise Invalid(_("The first row must be the header: unit,amount"), field="row 1")
    rows = []
    for number, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        rows.append({"row": number, "unit": cells[0].strip() if cells else "",
                     "amount": cells[1].strip() if len(cells) > 1 else ""})
    return rows


def import_opening(actor, rows, *, via: str = "api", memo: str | None = None) -> dict:
    """Opening balances from the bank's statement. Every row is checked first; one bad row imports nothing."""
    if via not in policy.SYSTEM_CHANNELS:
        policy.require(actor, "fund.post")
    if not isinstance(rows, list) or not rows:
        raise Invalid(_("Give at least one row."), field="rows")
    if len(rows) > MAX_IMPORT_ROWS:
        raise Invalid(_("Too many rows in one import."), field="rows")
    lock_money()
    codes = [r.get("unit") if isinstance(r, dict) else None for r in rows]
    units = _units_by_code(c for c in codes if isinstance(c, str))
    opened = set(db.session.scalars(select(FundEntry.unit_id).join(FundBatch).where(
        FundBatch.kind == "opening", FundBatch.id.not_in(select(FundBatch.reverses_id).where(
            FundBatch.reverses_id.is_not(None))))))
    lines: dict[int, int] = {}
    for n, row in enumerate(rows, 1):
        number = row.get("row", n + 1) if isinstance(row, dict) else n + 1
        where = f"row {number}"
        if not isinstance(row, dict):
            raise Invalid(_("Row %(n)s: expected an object with unit and amount.", n=number), field=where)
        unit = units.get(row.get("unit")) if isinstance(row.get("unit"), str) else None
        if unit is None:
            raise Invalid(_("Row %(n)s: no such unit on the roster.", n=number), field=where)
        if unit.id in lines:
            raise Invalid(_("Row %(n)s: this unit appears twice.", n=number), field=where)
        if unit.id in opened:
            raise Invalid(_("Row %(n)s: this unit already has an opening balance; reverse it first.", n=number),
                          field=where)
        try:
            lines[unit.id] = parse_money(row.get("amount"), where, allow_zero=True)
        except Invalid:
            raise Invalid(_("Row %(n)s: the amount must be yuan with at most two decimals.", n=number),
                          field=where) from None
    batch = _post(actor, "opening", memo or _("Opening balances from the bank statement"), lines, raised=True,
                  detail={"via": via})
    db.session.commit()
    return {"batch_id": batch.id, "imported": len(lines), "total": format_money(batch.total_fen)}


def deposit(actor, items, memo) -> FundBatch:
    """Owners' deposits (交存), each unit its own amount."""
    policy.require(actor, "fund.post")
    memo = memo_text(memo)
    if not isinstance(items, list) or not items:
        raise Invalid(_("Give at least one row."), field="items")
    units = _units_by_code(i.get("unit") for i in items if isinstance(i, dict) and isinstance(i.get("unit"), str))
    lines: dict[int, int] = {}
    for n, item in enumerate(items):
        unit = units.get(item.get("unit")) if isinstance(item, dict) else None
        if unit is None or unit.id in lines:
            raise Invalid(_("No such unit on the roster, or named twice."), field=f"items[{n}].unit")
        lines[unit.id] = parse_money(item.get("amount"), f"items[{n}].amount")
    batch = _post(actor, "deposit", memo, lines, raised=True)
    db.session.commit()
    return batch


def bearing_units(codes=None, building=None) -> list[Unit]:
    """The units named by code, or every unit of a building, or (neither) of the estate; ordered by code."""
    query = select(Unit).order_by(Unit.code)
    if codes is not None:
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise Invalid(_("Name the units that bear the cost."), field="units")
        found = _units_by_code(codes)
        missing = [c for c in codes if c not in found]
        if missing or len(set(codes)) != len(codes):
            raise Invalid(_("No such unit on the roster, or named twice: %(codes)s", codes=", ".join(missing[:5])),
                          field="units")
        return sorted(found.values(), key=lambda u: u.code)
    if building is not None:
        if not isinstance(building, str):
            raise Invalid(_("No such building."), field="building")
        query = query.join(Building).where(Building.code == building)
    units = list(db.session.scalars(query))
    if not units:
        raise Invalid(_("No such building.") if building is not None else _("The roster has no units yet."),
                      field="building")
    return units


def split_lines(total_fen: int, units: list[tuple[int, str, int]]) -> dict[int, int]:
    """{unit_id: fen} from [(unit_id, code, area_centi)], by the rule in ``split``."""
    shares = split_by_area(total_fen, [(code, area) for _id, code, area in units])
    return {unit_id: shares[code] for unit_id, code, _area in units}


def interest(actor, amount, memo, building=None) -> FundBatch:
    """The bank's interest, shared by exclusive area over the estate (or one building's account)."""
    policy.require(actor, "fund.post")
    fen = parse_money(amount, "amount")
    memo = memo_text(memo)
    units = bearing_units(building=building)
    batch = _post(actor, "interest", memo, split_lines(fen, [(u.id, u.code, u.area_centi) for u in units]),
                  raised=False, detail={"building": building})
    db.session.commit()
    return batch


def charge_units(actor, fen: int, units: list[tuple[int, str, int]], memo: str, *, kind: str = "charge",
                 detail=None) -> FundBatch:
    """Charge a use to the units that bear it (negative lines); the caller commits."""
    return _post(actor, kind, memo, split_lines(-fen, units), raised=False, detail=detail)


def credit_units(actor, fen: int, units: list[tuple[int, str, int]], memo: str, *, kind: str, detail=None):
    return _post(actor, kind, memo, split_lines(fen, units), raised=False, detail=detail)


def reverse(actor, batch_id, reason) -> FundBatch:
    policy.require(actor, "fund.post")
    reason = memo_text(reason, "reason")
    original = db.session.get(FundBatch, batch_id) if isinstance(batch_id, int) else None
    if original is None:
        raise NotFound(_("No such ledger batch."))
    if original.kind == "reversal":
        raise Conflict(_("A reversal is not reversed; post the entry again instead."))
    if db.session.scalar(select(FundBatch.id).where(FundBatch.reverses_id == original.id)):
        raise Conflict(_("This batch has been reversed already."))
    lines = {}
    raised = False
    for entry in db.session.scalars(select(FundEntry).where(FundEntry.batch_id == original.id)):
        lines[entry.unit_id] = -entry.amount_fen
        raised = entry.raised
    try:
        batch = _post(actor, "reversal", reason, lines, raised=raised, reverses_id=original.id,
                      detail={"reverses": original.id})
        db.session.commit()
    except IntegrityError:  # reversed at the same moment by someone else: the unique reverses_id held
        db.session.rollback()
        raise Conflict(_("This batch has been reversed already.")) from None
    return batch


# ---- reading ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    """What the policy needs to decide who may read a unit's account."""
    unit_id: int
    owner_hashes: frozenset


def account_of(unit: Unit) -> Account:
    hashes = frozenset(db.session.scalars(select(Owner.id_hash).where(Owner.unit_id == unit.id,
                                                                     Owner.ended_at.is_(None))))
    return Account(unit.id, hashes)


def my_units(actor) -> list[Unit]:
    """The units an owner holds now, by the roster (not only the one they registered with)."""
    if actor is None or actor.role != "owner" or not actor.id_hash:
        return []
    return list(db.session.scalars(select(Unit).join(Owner, Owner.unit_id == Unit.id).where(
        Owner.id_hash == actor.id_hash, Owner.ended_at.is_(None)).order_by(Unit.code)))


def unit_balance(unit_id: int) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(FundEntry.amount_fen), 0)).where(
        FundEntry.unit_id == unit_id)) or 0)


def building_totals() -> list[dict]:
    """Every building's balance, money raised, and the low-balance warning with the top-up it implies."""
    percent = settings().low_balance_percent
    rows = db.session.execute(
        select(Building.code, func.coalesce(func.sum(FundEntry.amount_fen), 0),
               func.coalesce(func.sum(case((FundEntry.raised, FundEntry.amount_fen), else_=0)), 0))
        .select_from(Building).join(Unit, Unit.building_id == Building.id)
        .outerjoin(FundEntry, FundEntry.unit_id == Unit.id).group_by(Building.code).order_by(Building.code)).all()
    out = []
    for code, balance, raised in rows:
        balance, raised = int(balance), int(raised)
        line = -(-raised * percent // 100)  # the threshold, rounded up to the fen
        low = raised > 0 and balance < line
        out.append({"building": code, "balance": format_money(balance), "raised": format_money(raised),
                    "low": low, "threshold": format_money(line), "top_up": format_money(line - balance) if low else
                    "0.00", "balance_fen": balance})
    return out


def totals(actor) -> dict:
    policy.require(actor, "fund.totals")
    buildings = building_totals()
    db.session.commit()  # the settings row, made on first use
    return {"estate": {"balance": format_money(sum(b["balance_fen"] for b in buildings))},
            "low_balance_percent": settings().low_balance_percent,
            "buildings": [{k: v for k, v in b.items() if k != "balance_fen"} for b in buildings]}


def find_unit_account(actor, code) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code)) if isinstance(code, str) else None
    policy.require(actor, "fund.totals")
    if unit is None or not policy.can(actor, "fund.unit_read", account_of(unit)):
        raise NotFound(_("No such unit account."))
    return unit


def unit_ledger(actor, code, *, before: int | None = None, limit: int = 50) -> dict:
    unit = find_unit_account(actor, code)
    query = (select(FundEntry, FundBatch).join(FundBatch, FundBatch.id == FundEntry.batch_id)
             .where(FundEntry.unit_id == unit.id).order_by(FundEntry.id.desc()).limit(limit))
    if before:
        query = query.where(FundEntry.id < before)
    rows = db.session.execute(query).all()
    return {"unit": unit.code, "building": unit.building.code, "area": format_area(unit.area_centi),
            "balance": format_money(unit_balance(unit.id)),
            "items": [serialize_line(e, b) for e, b in rows],
            "next": rows[-1][0].id if len(rows) == limit else None}


def serialize_line(entry: FundEntry, batch: FundBatch) -> dict:
    return {"id": entry.id, "batch_id": batch.id, "kind": batch.kind, "memo": batch.memo,
            "amount": format_money(entry.amount_fen), "at": iso(entry.created_at), "reverses": batch.reverses_id}


def batches(actor, *, before: int | None = None, limit: int = 50) -> list[dict]:
    policy.require(actor, "fund.ledger_all")
    query = select(FundBatch).order_by(FundBatch.id.desc()).limit(limit)
    if before:
        query = query.where(FundBatch.id < before)
    reversed_ids = set(db.session.scalars(select(FundBatch.reverses_id).where(FundBatch.reverses_id.is_not(None))))
    return [{"id": b.id, "kind": b.kind, "memo": b.memo, "total": format_money(b.total_fen),
             "reverses": b.reverses_id, "reversed": b.id in reversed_ids, "at": iso(b.created_at),
             "can_reverse": policy.can(actor, "fund.post") and b.kind != "reversal" and b.id not in reversed_ids}
            for b in db.session.scalars(query)]
