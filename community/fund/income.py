"""Common income (公共收益, Civil Code arts. 282–283): contracts, receipts, reasonable costs, the owners' share
by exclusive area, and transfers into the maintenance fund, recorded in both ledgers in one commit."""

from datetime import date

from sqlalchemy import func, select

from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Unit
from ..extensions import db
from . import ledger
from .models import IncomeContract, IncomeEntry
from .split import split_by_area


def _date(value, field) -> date:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def create_contract(actor, data) -> IncomeContract:
    policy.require(actor, "income.manage")
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    starts, ends = _date(data.get("starts_on"), "starts_on"), _date(data.get("ends_on"), "ends_on")
    if starts is None:
        raise Invalid(_("Give the date as YYYY-MM-DD."), field="starts_on")
    if ends is None or ends < starts:
        raise Invalid(_("Give the end date as YYYY-MM-DD, not before the start."), field="ends_on")
    found = IncomeContract(common_part=ledger.memo_text(data.get("common_part"), "common_part", max_len=120),
                           payer=ledger.memo_text(data.get("payer"), "payer", max_len=120),
                           amount_fen=ledger.parse_money(data.get("amount"), "amount"), starts_on=starts,
                           ends_on=ends, created_by_id=actor.id, created_at=utcnow())
    db.session.add(found)
    db.session.flush()
    audit.record(actor, "income.contract", f"income_contract:{found.id}",
                 {"common_part": found.common_part, "amount": ledger.format_money(found.amount_fen)})
    db.session.commit()
    return found


def contracts(actor) -> list[IncomeContract]:
    policy.require(actor, "income.read")
    return list(db.session.scalars(select(IncomeContract).order_by(IncomeContract.id.desc())))


def _entry(actor, kind, fen, memo, contract_id=None, fund_batch_id=None, reverses_id=None) -> IncomeEntry:
    found = IncomeEntry(kind=kind, amount_fen=fen, memo=memo, contract_id=contract_id, fund_batch_id=fund_batch_id,
                        reverses_id=reverses_id, created_by_id=actor.id if actor else None, created_at=utcnow())
    db.session.add(found)
    db.session.flush()
    audit.record(actor, f"income.{kind}", f"income_entry:{found.id}",
                 {"amount": ledger.format_money(fen), "memo": memo, "contract": contract_id})
    return found


def record(actor, data) -> IncomeEntry:
    """A receipt under a contract, or a reasonable cost deducted (optionally against a contract)."""
    policy.require(actor, "income.manage")
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    kind = data.get("kind")
    if kind not in ("receipt", "cost"):
        raise Invalid(_("The kind is receipt or cost."), field="kind")
    contract_id = data.get("contract_id")
    if contract_id is not None or kind == "receipt":
        if not is_id(contract_id) or db.session.get(IncomeContract, contract_id) is None:
            raise Invalid(_("No such contract."), field="contract_id")
    fen = ledger.parse_money(data.get("amount"), "amount")
    ledger.lock_money()
    if kind == "cost" and fen > balance_fen():
        raise Invalid(_("The cost exceeds the income on hand."), field="amount")
    found = _entry(actor, kind, fen if kind == "receipt" else -fen, ledger.memo_text(data.get("memo"), "memo"),
                   contract_id)
    db.session.commit()
    return found


def balance_fen() -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(IncomeEntry.amount_fen), 0))) or 0)


def reverse(actor, entry_id, reason) -> IncomeEntry:
    policy.require(actor, "income.manage")
    original = db.session.get(IncomeEntry, entry_id) if is_id(entry_id) else None
    if original is None:
        raise NotFound(_("No such income entry."))
    if original.kind in ("reversal", "transfer"):
        raise Conflict(_("Reverse a transfer through the fund ledger's batch instead."))
    if db.session.scalar(select(IncomeEntry.id).where(IncomeEntry.reverses_id == original.id)):
        raise Conflict(_("This entry has been reversed already."))
    found = _entry(actor, "reversal", -original.amount_fen, ledger.memo_text(reason, "reason"),
                   original.contract_id, reverses_id=original.id)
    db.session.commit()
    return found


def _all_units() -> list[tuple[int, str, int]]:
    return [tuple(r) for r in db.session.execute(select(Unit.id, Unit.code, Unit.area_centi).order_by(Unit.code))]


def transfer(actor, amount, memo) -> IncomeEntry:
    """Move owners' income into the fund, shared by exclusive area over every unit of the estate."""
    policy.require(actor, "income.manage")
    policy.require(actor, "fund.post")
    fen = ledger.parse_money(amount, "amount")
    ledger.lock_money()
    if fen > balance_fen():
        raise Invalid(_("The transfer exceeds the income on hand."), field="amount")
    memo = ledger.memo_text(memo)
    units = _all_units()
    if not units:
        raise Conflict(_("The roster has no units yet."))
    batch = ledger.credit_units(actor, fen, units, memo, kind="income", detail={"from": "common_income"})
    found = _entry(actor, "transfer", -fen, memo, fund_batch_id=batch.id)
    db.session.commit()
    return found


def summary(actor) -> dict:
    """Receipts, costs, transfers, what is on hand, and the caller's units' shares of it by area."""
    policy.require(actor, "income.read")
    sums = dict(db.session.execute(select(IncomeEntry.kind, func.sum(IncomeEntry.amount_fen))
                                   .group_by(IncomeEntry.kind)).all())
    on_hand = balance_fen()
    mine = ledger.my_units(actor)
    units = _all_units()
    split = split_by_area(on_hand, [(c, a) for _i, c, a in units]) if units and on_hand else {}
    return {"receipts": ledger.format_money(int(sums.get("receipt") or 0)),
            "costs": ledger.format_money(-int(sums.get("cost") or 0)),
            "reversals": ledger.format_money(int(sums.get("reversal") or 0)),
            "transferred": ledger.format_money(-int(sums.get("transfer") or 0)),
            "on_hand": ledger.format_money(on_hand),
            "my_shares": [{"unit": u.code, "share": ledger.format_money(split.get(u.code, 0))} for u in mine],
            "can_manage": policy.can(actor, "income.manage")}


def entries(actor, *, before=None, limit=50) -> list[dict]:
    policy.require(actor, "income.read")
    query = select(IncomeEntry).order_by(IncomeEntry.id.desc()).limit(limit)
    if before:
        query = query.where(IncomeEntry.id < before)
    return [{"id": e.id, "kind": e.kind, "amount": ledger.format_money(e.amount_fen), "memo": e.memo,
             "contract_id": e.contract_id, "fund_batch_id": e.fund_batch_id, "reverses": e.reverses_id,
             "at": iso(e.created_at)} for e in db.session.scalars(query)]


def serialize_contract(c: IncomeContract) -> dict:
    return {"id": c.id, "common_part": c.common_part, "payer": c.payer, "amount": ledger.format_money(c.amount_fen),
            "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat()}
