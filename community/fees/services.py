"""Every write of the fee ledger: policy check, validation, write, audit entry, one commit.

Arrears never gate anything: no function outside this package asks about fees, and nothing here refuses or
slows a person for owing money. Reminders are the lawful route (Civil Code art. 944): notice, letter, call,
then a formal written demand with a deadline, each with its proof of delivery."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User, UserUnit
from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..estate.models import Building, Unit
from ..extensions import db
from . import ledger
from .ledger import parse_money, parse_period, show
from .models import Adjustment, Allocation, Bill, Dispute, FeeItem, Payment, Reminder

BASES = ("area", "unit", "space")
CHANNELS = ("cash", "transfer", "card", "online")
STEPS = ("notice", "letter", "phone", "demand")
STEP_CHANNELS = {"notice": ("app",), "letter": ("handed", "posted"), "phone": ("phone",),
                 "demand": ("handed", "posted")}
DEMAND_DAYS = 15  # the estate's least time to pay after a formal demand; config FEES_DEMAND_DAYS replaces it
TARGET = 90  # collection-rate target in percent; config FEES_COLLECTION_TARGET replaces it
NAME_MAX, TEXT_MAX, REF_MAX = 64, 500, 64


def demand_days() -> int:
    return int(current_app.config.get("FEES_DEMAND_DAYS", DEMAND_DAYS))


def target() -> int:
    return int(current_app.config.get("FEES_COLLECTION_TARGET", TARGET))


def _text(value, field: str, max_len: int, *, required: bool = True) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise Invalid(_("This field is required."), field=field)
        return None
    if len(text) > max_len:
        raise Invalid(_("This text is too long."), field=field)
    return text


def _choice(value, field: str, allowed) -> str:
    if value not in allowed:
        raise Invalid(_("Choose one of the offered values."), field=field)
    return value


def _audit(actor, via, action: str, target: str, detail: dict) -> None:
    if actor is None and via not in policy.SYSTEM_CHANNELS | {"job"}:
        raise policy.Unauthenticated(policy.N_("Please log in first."))
    audit.record(actor, action, target, detail | ({"via": via} if via else {}))


def _require_manage(actor, via) -> None:
    if actor is not None or via not in policy.SYSTEM_CHANNELS | {"job"}:
        policy.require(actor, "fees.manage")


def _notify(user_ids, kind: str) -> None:
    from ..notifications.services import notify
    notify(set(user_ids), kind)


def unit_by_code(code) -> Unit:
    found = db.session.scalar(select(Unit).where(Unit.code == code)) if isinstance(code, str) else None
    if found is None:
        raise Invalid(_("No unit with this code."), field="unit")
    return found


def owner_ids(unit_id: int) -> list[int]:
    """The approved accounts that own the unit of record: they see its bills and get its reminders."""
    return list(db.session.scalars(
        select(UserUnit.user_id).join(User, User.id == UserUnit.user_id)
        .where(UserUnit.unit_id == unit_id, UserUnit.ended_at.is_(None), UserUnit.relation == "owner",
               User.status == "approved")))


def unit_target(unit: Unit) -> SimpleNamespace:
    return SimpleNamespace(id=unit.id, owner_user_ids=frozenset(owner_ids(unit.id)))


def viewable_unit(actor, code) -> Unit:
    """A unit whose ledger the actor may see (staff, or an owner of record); anyone else is told 404."""
    found = db.session.scalar(select(Unit).where(Unit.code == code)) if isinstance(code, str) else None
    if found is None:
        policy.require_member(actor)
        raise NotFound(_("Not found."))
    policy.require(actor, "fees.view_unit", unit_target(found), hide=True)
    return found


# ---- fee items ---------------------------------------------------------------------------------------

def create_item(actor, data: dict, *, via: str | None = None) -> FeeItem:
    _require_manage(actor, via)
    name = _text(data.get("name"), "name", NAME_MAX)
    basis = _choice(data.get("basis"), "basis", BASES)
    rate = parse_money(data.get("rate"), "rate")
    starts = parse_period(data.get("starts"), "starts")
    ends = parse_period(data["ends"], "ends") if data.get("ends") else None
    if ends is not None and ends < starts:
        raise Invalid(_("The last month comes before the first."), field="ends")
    buildings = data.get("buildings") or []
    if not isinstance(buildings, list) or not all(isinstance(b, str) for b in buildings):
        raise Invalid(_("Name buildings by their codes."), field="buildings")
    known = set(db.session.scalars(select(Building.code).where(Building.code.in_(buildings))))
    if set(buildings) - known:
        raise Invalid(_("No building with this code."), field="buildings")
    units = data.get("units") or {}
    if not isinstance(units, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 100
                                              for v in units.values()):
        raise Invalid(_("Give each unit a number of spaces from 1 to 100."), field="units")
    for code in units:
        unit_by_code(code)
    if basis == "space" and not units:
        raise Invalid(_("A parking fee names the units and their spaces."), field="units")
    item = FeeItem(name=name, basis=basis, rate_fen=rate, starts=starts, ends=ends, buildings=sorted(buildings),
                   units=units, created_by_id=actor.id if actor else None)
    db.session.add(item)
    db.session.flush()
    _audit(actor, via, "fees.item_create", f"fee_item:{item.id}",
           {"name": name, "basis": basis, "rate": show(rate), "starts": starts, "ends": ends,
            "buildings": item.buildings, "units": units})
    db.session.commit()
    return item


def items() -> list[FeeItem]:
    return list(db.session.scalars(select(FeeItem).order_by(FeeItem.id)))


def end_item(actor, item_id: int, data: dict) -> FeeItem:
    """An item stops from a month on; bills already made stay as they are."""
    policy.require(actor, "fees.manage")
    item = db.session.get(FeeItem, item_id)
    if item is None:
        raise NotFound(_("Not found."))
    ends = parse_period(data.get("ends"), "ends")
    if ends < item.starts:
        raise Invalid(_("The last month comes before the first."), field="ends")
    item.ends = ends
    _audit(actor, None, "fees.item_end", f"fee_item:{item.id}", {"ends": ends})
    db.session.commit()
    return item


# ---- bills -----------------------------------------------------------------------------------------

def _lines(period: str) -> list[dict]:
    live = [i for i in items() if i.starts <= period and (i.ends is None or i.ends >= period)]
    units = db.session.execute(select(Unit.id, Unit.code, Unit.area_centi, Building.code.label("building"))
                               .join(Building, Building.id == Unit.building_id)).all()
    due = ledger.period_end(period)
    lines = []
    for item in live:
        for u in units:
            if item.buildings and u.building not in item.buildings:
                continue
            if item.units and u.code not in item.units:
                continue
            quantity = {"area": u.area_centi, "unit": 100, "space": 100 * item.units.get(u.code, 0)}[item.basis]
            lines.append({"unit_id": u.id, "period": period, "source": f"item:{item.id}", "fee_item_id": item.id,
                          "description": item.name, "quantity_centi": quantity, "rate_fen": item.rate_fen,
                          "amount_fen": ledger.line_amount(item.rate_fen, quantity), "due_on": due})
    return lines


def generate(actor, period, *, via: str | None = None) -> dict:
    """Bill every unit for ``period`` from the items in force; a bill that exists already is left alone, so
    running it again (or twice at once) adds nothing. Credit the units hold is then applied."""
    _require_manage(actor, via)
    period = parse_period(period)
    for _attempt in range(3):
        have = set(db.session.execute(select(Bill.unit_id, Bill.source).where(Bill.period == period)).all())
        new = [line for line in _lines(period) if (line["unit_id"], line["source"]) not in have]
        now = utcnow()
        try:
            if new:
                db.session.execute(insert(Bill), [line | {"created_at": now} for line in new])
            applied = apply_credit({line["unit_id"] for line in new}, now)
            if new or actor is not None:
                _audit(actor, via, "fees.generate", f"period:{period}",
                       {"created": len(new), "total": show(sum(line["amount_fen"] for line in new))})
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another run made some of them first: count again
            continue
        return {"period": period, "created": len(new), "existing": len(have), "credit_applied": show(applied)}
    raise Conflict(_("Bills for this period are being made by someone else; try again."))


def apply_credit(unit_ids, at: datetime) -> int:
    """Apply each unit's prepayment to its open bills, oldest first; answer the fen applied."""
    total = 0
    for unit_id in ledger.credits(list(unit_ids)) if unit_ids else ():
        _lock_unit(unit_id)
        total += sum(a["amount_fen"] for a in ledger.allocate(unit_id, ledger.payment_remainders(unit_id), None, at))
    return total


def _lock_unit(unit_id: int) -> None:
    """Serialise writes to one unit's ledger (PostgreSQL row lock; SQLite serialises writers already)."""
    db.session.execute(select(Unit.id).where(Unit.id == unit_id).with_for_update())


def _bill(bill_id) -> Bill:
    found = db.session.get(Bill, bill_id) if is_id(bill_id) else None
    if found is None:
        raise NotFound(_("Not found."))
    return found


def adjust(actor, bill_id: int, data: dict) -> Adjustment:
    """``adjustment`` changes a bill by a signed amount; ``waiver`` clears what is outstanding. Both need a
    reason; a reduction can take a bill down to zero, never below what has been paid."""
    policy.require(actor, "fees.manage")
    bill = _bill(bill_id)
    kind = _choice(data.get("kind", "adjustment"), "kind", ("adjustment", "waiver"))
    reason = _text(data.get("reason"), "reason", TEXT_MAX)
    _lock_unit(bill.unit_id)
    left = ledger.outstanding_of(bill.id)
    if kind == "waiver":
        if left <= 0:
            raise Conflict(_("Nothing is outstanding on this bill."))
        amount = -left
    else:
        amount = parse_money(data.get("amount"), "amount", negative=True)
        if amount < 0 and -amount > left:
            raise Invalid(_("A reduction cannot exceed what is outstanding."), field="amount")
    row = Adjustment(bill_id=bill.id, kind=kind, amount_fen=amount, reason=reason, by_id=actor.id, at=utcnow())
    db.session.add(row)
    db.session.flush()
    _audit(actor, None, f"fees.{kind}", f"fee_bill:{bill.id}",
           {"adjustment_id": row.id, "amount": show(amount), "reason": reason, "unit": bill.unit.code})
    db.session.commit()
    return row


def reverse_adjustment(actor, adjustment_id: int, data: dict) -> Adjustment:
    policy.require(actor, "fees.manage")
    original = db.session.get(Adjustment, adjustment_id)
    if original is None:
        raise NotFound(_("Not found."))
    reason = _text(data.get("reason"), "reason", TEXT_MAX)
    if original.reverses_id is not None or db.session.scalar(
            select(Adjustment.id).where(Adjustment.reverses_id == original.id)):
        raise Conflict(_("This entry has been reversed already."))
    bill = _bill(original.bill_id)
    _lock_unit(bill.unit_id)
    if ledger.outstanding_of(bill.id) - original.amount_fen < 0:
        raise Conflict(_("Reversing this would leave the bill paid beyond its amount; reverse the payment first."))
    row = Adjustment(bill_id=bill.id, kind=original.kind, amount_fen=-original.amount_fen, reason=reason,
                     reverses_id=original.id, by_id=actor.id, at=utcnow())
    db.session.add(row)
    db.session.flush()
    _audit(actor, None, "fees.adjustment_reverse", f"fee_bill:{bill.id}",
           {"adjustment_id": row.id, "reverses": original.id, "amount": show(row.amount_fen), "reason": reason})
    db.session.commit()
    return row


# ---- payments ----------------------------------------------------------------------------------------

def _receipt_no(prefix: str, payment: Payment) -> str:
    return f"{prefix}{ledger.local_date(payment.received_at):%Y%m%d}{payment.id:07d}"


def record_payment(actor, data: dict) -> tuple[Payment, list[dict]]:
    """Money received; applied to the chosen bills or oldest first, the rest kept as credit for later bills."""
    policy.require(actor, "fees.manage")
    unit = unit_by_code(data.get("unit"))
    amount = parse_money(data.get("amount"), "amount")
    channel = _choice(data.get("channel"), "channel", CHANNELS)
    reference = _text(data.get("reference"), "reference", REF_MAX, required=channel in ("transfer", "online"))
    payer = _text(data.get("payer"), "payer", NAME_MAX, required=False)
    chosen = data.get("bills")
    if chosen is not None:
        if not isinstance(chosen, list) or not chosen or not all(is_id(b) for b in chosen):
            raise Invalid(_("Choose the bills by their ids."), field="bills")
        mine = set(db.session.scalars(select(Bill.id).where(Bill.unit_id == unit.id, Bill.id.in_(chosen))))
        if set(chosen) - mine:
            raise Invalid(_("A chosen bill is not this unit's."), field="bills")
    payment, written = write_payment(actor, unit, amount, channel, reference, payer, chosen)
    db.session.commit()
    return payment, written


def write_payment(actor, unit: Unit, amount: int, channel: str, reference, payer, chosen) -> tuple[Payment, list]:
    """The payment, its receipt number, its allocations and its audit entry; the caller commits."""
    _lock_unit(unit.id)
    now = utcnow()
    payment = Payment(unit_id=unit.id, amount_fen=amount, channel=channel, reference=reference, payer=payer,
                      recorded_by_id=actor.id, received_at=now)
    db.session.add(payment)
    db.session.flush()
    payment.receipt_no = _receipt_no("SK", payment)
    written = ledger.allocate(unit.id, [(payment.id, amount)], chosen, now)
    _audit(actor, None, "fees.payment", f"fee_payment:{payment.id}",
           {"unit": unit.code, "amount": show(amount), "channel": channel, "reference": reference,
            "receipt_no": payment.receipt_no,
            "allocations": [{"bill_id": a["bill_id"], "amount": show(a["amount_fen"])} for a in written]})
    return payment, written


def reverse_payment(actor, payment_id: int, data: dict) -> Payment:
    """A reversing entry: a negative payment with every allocation of the original negated, so the bills it
    paid are owed again and the credit it left is gone. The original stays as it was."""
    policy.require(actor, "fees.manage")
    original = db.session.get(Payment, payment_id)
    if original is None:
        raise NotFound(_("Not found."))
    reason = _text(data.get("reason"), "reason", TEXT_MAX)
    if original.reverses_id is not None:
        raise Conflict(_("A reversal cannot itself be reversed; record the payment again."))
    _lock_unit(original.unit_id)
    if db.session.scalar(select(Payment.id).where(Payment.reverses_id == original.id)):
        raise Conflict(_("This entry has been reversed already."))
    now = utcnow()
    row = Payment(unit_id=original.unit_id, amount_fen=-original.amount_fen, channel=original.channel,
                  reference=original.reference, reverses_id=original.id, reason=reason, recorded_by_id=actor.id,
                  received_at=now)
    db.session.add(row)
    db.session.flush()
    row.receipt_no = _receipt_no("CZ", row)
    per_bill: dict[int, int] = {}
    for a in db.session.scalars(select(Allocation).where(Allocation.payment_id == original.id)):
        per_bill[a.bill_id] = per_bill.get(a.bill_id, 0) + a.amount_fen
    for bill_id, amount in per_bill.items():
        if amount:
            db.session.add(Allocation(payment_id=row.id, bill_id=bill_id, amount_fen=-amount, at=now))
    _audit(actor, None, "fees.payment_reverse", f"fee_payment:{original.id}",
           {"reversal_id": row.id, "receipt_no": row.receipt_no, "amount": show(row.amount_fen), "reason": reason})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("This entry has been reversed already.")) from None
    return row


# ---- reminders and disputes ----------------------------------------------------------------------------

def overdue_fen(unit_id: int, today: date) -> int:
    return sum(line["outstanding"] for line in ledger.bill_lines(unit_id)
               if line["bill"].due_on < today and line["outstanding"] > 0)


def _date(value, field: str) -> date:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    raise Invalid(_("Enter a date as YYYY-MM-DD."), field=field)


def remind(actor, code, data: dict) -> Reminder:
    """Record the next step of the ladder for a unit with overdue bills. Each step needs the one before it
    (a demand only after a notice, a letter and a call); letters and demands need proof of delivery, a call a
    note of what was said; a demand sets a deadline at least the estate's days ahead."""
    policy.require(actor, "fees.manage")
    unit = unit_by_code(code)
    step = _choice(data.get("step"), "step", STEPS)
    channel = _choice(data.get("channel") or STEP_CHANNELS[step][0], "channel", STEP_CHANNELS[step])
    now = utcnow()
    today = ledger.local_date(now)
    _lock_unit(unit.id)
    owed = overdue_fen(unit.id, today)
    if owed <= 0:
        raise Conflict(_("This unit has nothing overdue."))
    done = set(db.session.scalars(select(Reminder.step).where(Reminder.unit_id == unit.id)))
    earlier = STEPS[:STEPS.index(step)]
    if any(s not in done for s in earlier):
        raise Conflict(_("Take the earlier steps of the ladder first."))
    note = _text(data.get("note"), "note", TEXT_MAX, required=step == "phone")
    proof = _text(data.get("proof"), "proof", TEXT_MAX, required=step in ("letter", "demand"))
    attachment = data.get("proof_attachment_id")
    if attachment is not None:
        from ..boards.models import Attachment
        found = db.session.get(Attachment, attachment) if is_id(attachment) else None
        if found is None or found.uploader_id != actor.id or found.post_id is not None:
            raise Invalid(_("No such upload."), field="proof_attachment_id")
    deadline = None
    if step == "demand":
        least = today + timedelta(days=demand_days())
        deadline = _date(data["deadline"], "deadline") if data.get("deadline") else least
        if deadline < least:
            raise Invalid(_("The deadline must be at least %(days)d days away.", days=demand_days()),
                          field="deadline")
    row = Reminder(unit_id=unit.id, step=step, channel=channel, amount_fen=owed, note=note, proof=proof,
                   proof_attachment_id=attachment, deadline=deadline, by_id=actor.id, at=now)
    db.session.add(row)
    db.session.flush()
    if step in ("notice", "demand"):
        _notify(owner_ids(unit.id), "fees")
    _audit(actor, None, f"fees.remind_{step}", f"unit:{unit.code}",
           {"reminder_id": row.id, "channel": channel, "amount": show(owed), "proof": proof,
            "deadline": deadline.isoformat() if deadline else None})
    db.session.commit()
    return row


def mark_read(actor, unit: Unit) -> None:
    """An owner of record opening the unit's fees page is the read receipt of in-app reminders."""
    if actor is None or actor.id not in owner_ids(unit.id):
        return
    rows = list(db.session.scalars(select(Reminder).where(Reminder.unit_id == unit.id,
                                                          Reminder.channel == "app", Reminder.read_at.is_(None))))
    for row in rows:
        row.read_at = utcnow()
        row.proof = _("Read in the app by %(name)s", name=actor.display_name)
    if rows:
        db.session.commit()


def open_dispute(actor, bill_id: int, data: dict) -> Dispute:
    bill = db.session.get(Bill, bill_id) if is_id(bill_id) else None
    if bill is None:
        policy.require_member(actor)
        raise NotFound(_("Not found."))
    policy.require(actor, "fees.dispute", unit_target(bill.unit), hide=True)
    text = _text(data.get("text"), "text", 2000)
    ticket_id = data.get("ticket_id")
    if ticket_id is not None:
        from ..desk.models import Ticket
        ticket = db.session.get(Ticket, ticket_id) if is_id(ticket_id) else None
        if ticket is None or (ticket.author_id != actor.id and ticket.unit_id != bill.unit_id):
            raise Invalid(_("Link one of your own complaints or repairs."), field="ticket_id")
    if db.session.scalar(select(Dispute.id).where(Dispute.bill_id == bill.id, Dispute.resolved_at.is_(None))):
        raise Conflict(_("This bill is already disputed."))
    row = Dispute(bill_id=bill.id, by_id=actor.id, text=text, ticket_id=ticket_id, opened_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row


def resolve_dispute(actor, dispute_id: int, data: dict) -> Dispute:
    policy.require(actor, "fees.manage")
    row = db.session.get(Dispute, dispute_id)
    if row is None:
        raise NotFound(_("Not found."))
    reason = _text(data.get("reason"), "reason", TEXT_MAX)
    if row.resolved_at is not None:
        raise Conflict(_("This dispute has been resolved already."))
    row.resolved_at, row.resolved_by_id, row.resolution = utcnow(), actor.id, reason
    _audit(actor, None, "fees.dispute_resolve", f"fee_bill:{row.bill_id}",
           {"dispute_id": row.id, "reason": reason})
    _notify([row.by_id], "fees")
    db.session.commit()
    return row
