"""Property fees: bills exact to the fen and idempotent, payments oldest first with receipts, reversals,
credit, adjustments, reminders with proof, disputes, figures by hand count, the import, and that arrears
gate nothing."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from community.audit.models import AuditEntry
from community.core.errors import Invalid
from community.core.timeutil import frozen
from community.extensions import db
from community.fees import ledger, services
from community.fees.models import Bill
from tests.conftest import error_of
from tests.fixtures.fees import billed, statement

# ---- money and rounding -----------------------------------------------------------------------------

@given(rate=st.integers(0, 10**6), centi=st.integers(0, 10**7))
def test_line_amount_is_the_exact_product_rounded_half_up(rate, centi):
    exact = Decimal(rate) * Decimal(centi) / 100
    assert ledger.line_amount(rate, centi) == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(fen=st.integers(-10**9, 10**9).filter(bool))
def test_money_round_trips(fen):
    assert ledger.parse_money(ledger.show(fen), "amount", negative=True) == fen


@pytest.mark.parametrize("raw", ["1.234", "abc", "", "0", "0.00", "-1", "1e3", " ", "１２", None, 12])
def test_bad_amounts_are_refused(raw):
    with pytest.raises(Invalid):
        ledger.parse_money(raw, "amount")


@given(owing=st.lists(st.integers(1, 10**5), max_size=8), funds=st.lists(st.integers(1, 10**5), max_size=5))
def test_allocation_plan_pays_oldest_first_and_keeps_the_rest_as_credit(owing, funds):
    bills = list(enumerate(owing, start=1))
    payments = list(enumerate(funds, start=100))
    plan = ledger.plan(bills, payments)
    per_bill = {b: sum(a for _p, bb, a in plan if bb == b) for b, _n in bills}
    per_fund = {p: sum(a for pp, _b, a in plan if pp == p) for p, _n in payments}
    assert sum(per_bill.values()) == min(sum(owing), sum(funds))
    assert all(per_bill[b] <= need for b, need in bills)
    assert all(per_fund[p] <= have for p, have in payments)
    # a bill is touched only when every older bill is fully paid
    for i, (b, need) in enumerate(bills):
        if per_bill[b] < need:
            assert all(per_bill[later] == 0 for later, _n in bills[i + 1:])
    # a fund is touched only when every earlier fund is used up
    for i, (p, have) in enumerate(payments):
        if per_fund[p] < have:
            assert all(per_fund[later] == 0 for later, _n in payments[i + 1:])


# ---- bills ------------------------------------------------------------------------------------------

def test_bills_are_exact_to_the_fen_and_made_once(staff, area_item):
    first = services.generate(staff, "2026-01")
    assert first["created"] == 6
    again = services.generate(staff, "2026-01")
    assert again["created"] == 0 and again["existing"] == 6
    amounts = dict(db.session.execute(select(Bill.unit_id, Bill.amount_fen)).all())
    assert len(amounts) == 6
    # 89.50 m² × 2.35 = 210.325 → 210.33; 120.35 × 2.35 = 282.8225 → 282.82; 95.25 × 2.35 = 223.8375 → 223.84
    s = statement(staff, "1-1-101")
    assert [b["amount"] for b in s["bills"]] == ["210.33"]
    assert statement(staff, "1-1-102")["bills"][0]["amount"] == "282.82"
    assert statement(staff, "2-1-102")["bills"][0]["amount"] == "223.84"
    assert statement(staff, "1-1-201")["bills"][0]["amount"] == "176.25"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(centi=st.integers(1, 99999_99), rate=st.integers(1, 99999))
def test_every_two_decimal_area_bills_to_the_fen(app, centi, rate):
    expected = int((Decimal(centi) / 100 * Decimal(rate) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100)
    assert ledger.line_amount(rate, centi) == expected


def test_unit_and_building_items(staff, roster, clock):
    services.create_item(staff, {"name": "垃圾清运费", "basis": "unit", "rate": "15.00", "starts": "2026-01",
                                 "buildings": ["2"]})
    services.create_item(staff, {"name": "车位管理费", "basis": "space", "rate": "80.00", "starts": "2026-01",
                                 "units": {"1-1-101": 2}})
    assert services.generate(staff, "2026-01")["created"] == 3
    assert [b["amount"] for b in statement(staff, "2-1-101")["bills"]] == ["15.00"]
    assert [b["amount"] for b in statement(staff, "1-1-101")["bills"]] == ["160.00"]
    assert statement(staff, "1-1-201")["bills"] == []


def test_items_end_and_start(staff, roster, clock):
    item = services.create_item(staff, {"name": "物业服务费", "basis": "unit", "rate": "100", "starts": "2026-02"})
    assert services.generate(staff, "2026-01")["created"] == 0
    services.end_item(staff, item.id, {"ends": "2026-02"})
    assert services.generate(staff, "2026-02")["created"] == 6
    assert services.generate(staff, "2026-03")["created"] == 0


def test_the_job_bills_the_current_month_once(app, area_item):
    from community.jobs import run_all
    with frozen(datetime(2026, 4, 1, 1, 0)):  # 09:00 on 1 April in Shanghai
        first = run_all()["fees"]
        second = run_all()["fees"]
    assert first["period"] == "2026-04" and first["created"] == 6
    assert second["created"] == 0
    assert db.session.scalar(select(func.count()).select_from(Bill)) == 6
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "fees.generate", AuditEntry.actor_id.is_(None))) == 1


def test_item_validation(api, staff, roster):
    for body, field in [({"basis": "area", "rate": "1", "starts": "2026-01"}, "name"),
                        ({"name": "x", "basis": "acre", "rate": "1", "starts": "2026-01"}, "basis"),
                        ({"name": "x", "basis": "area", "rate": "1.001", "starts": "2026-01"}, "rate"),
                        ({"name": "x", "basis": "area", "rate": "1", "starts": "2026-13"}, "starts"),
                        ({"name": "x", "basis": "area", "rate": "1", "starts": "2026-02", "ends": "2026-01"}, "ends"),
                        ({"name": "x", "basis": "area", "rate": "1", "starts": "2026-01", "buildings": ["9"]},
                         "buildings"),
                        ({"name": "x", "basis": "space", "rate": "1", "starts": "2026-01"}, "units")]:
        r = api.post("/fees/items", user=staff, json=body)
        assert r.status_code == 400 and error_of(r)["field"] == field, body


# ---- payments, credit, reversals ---------------------------------------------------------------------

def test_payments_go_to_the_oldest_bill_first_with_a_receipt(api, staff, area_item):
    billed(staff, "2026-01", "2026-02", "2026-03")
    r = api.post("/fees/payments", user=staff, json={"unit": "1-1-101", "amount": "300.00", "channel": "cash"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["receipt_no"].startswith("SK20260310")
    assert [a["amount"] for a in body["allocations"]] == ["210.33", "89.67"]
    s = statement(staff, "1-1-101")
    assert [b["outstanding"] for b in s["bills"]] == ["0.00", "120.66", "210.33"]
    assert s["balance"] == "330.99" and s["overdue"] == "120.66"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "fees.payment"))
    assert entry.detail["amount"] == "300.00" and entry.actor_id == staff.id


def test_chosen_bills_and_references(api, staff, area_item):
    billed(staff, "2026-01", "2026-02")
    bills = statement(staff, "1-1-101")["bills"]
    r = api.post("/fees/payments", user=staff, json={"unit": "1-1-101", "amount": "210.33", "channel": "transfer"})
    assert r.status_code == 400 and error_of(r)["field"] == "reference"
    r = api.post("/fees/payments", user=staff, json={"unit": "1-1-101", "amount": "210.33", "channel": "transfer",
                                                      "reference": "ICBC 0042", "bills": [bills[1]["id"]]})
    assert r.status_code == 201
    assert [b["outstanding"] for b in statement(staff, "1-1-101")["bills"]] == ["210.33", "0.00"]
    other = statement(staff, "2-1-101")["bills"][0]["id"]
    r = api.post("/fees/payments", user=staff, json={"unit": "1-1-101", "amount": "1", "channel": "cash",
                                                      "bills": [other]})
    assert r.status_code == 400 and error_of(r)["field"] == "bills"


def test_prepayment_is_credit_applied_to_later_bills(api, staff, area_item):
    billed(staff, "2026-01")
    services.record_payment(staff, {"unit": "1-1-101", "amount": "1000.00", "channel": "cash"})
    s = statement(staff, "1-1-101")
    assert s["credit"] == "789.67" and s["balance"] == "-789.67"
    assert services.generate(staff, "2026-02")["credit_applied"] == "210.33"
    s = statement(staff, "1-1-101")
    assert [b["outstanding"] for b in s["bills"]] == ["0.00", "0.00"]
    assert s["credit"] == "579.34" and s["balance"] == "-579.34"


def test_a_reversal_restores_the_balance(api, staff, area_item):
    billed(staff, "2026-01", "2026-02")
    before = statement(staff, "1-1-101")
    payment, _ = services.record_payment(staff, {"unit": "1-1-101", "amount": "500.00", "channel": "card"})
    assert statement(staff, "1-1-101")["credit"] == "79.34"
    r = api.post(f"/fees/payments/{payment.id}/reverse", user=staff, json={})
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    r = api.post(f"/fees/payments/{payment.id}/reverse", user=staff, json={"reason": "刷卡金额录错"})
    assert r.status_code == 201 and r.get_json()["receipt_no"].startswith("CZ")
    after = statement(staff, "1-1-101")
    assert after["balance"] == before["balance"] and after["credit"] == "0.00"
    assert [b["outstanding"] for b in after["bills"]] == [b["outstanding"] for b in before["bills"]]
    assert [p["amount"] for p in after["payments"]] == ["500.00", "-500.00"]  # the original is still there
    assert api.post(f"/fees/payments/{payment.id}/reverse", user=staff, json={"reason": "again"}).status_code == 409
    reversal = after["payments"][1]["id"]
    assert api.post(f"/fees/payments/{reversal}/reverse", user=staff, json={"reason": "x"}).status_code == 409


def test_adjustments_and_waivers_need_a_reason_and_are_audited(api, staff, area_item):
    billed(staff, "2026-01", "2026-02")
    first, second = (b["id"] for b in statement(staff, "1-1-101")["bills"])
    r = api.post(f"/fees/bills/{first}/adjustments", user=staff, json={"amount": "-10.33"})
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    r = api.post(f"/fees/bills/{first}/adjustments", user=staff, json={"amount": "-10.33", "reason": "电梯停运十天"})
    assert r.status_code == 201
    r = api.post(f"/fees/bills/{first}/adjustments", user=staff, json={"amount": "-300", "reason": "too much"})
    assert r.status_code == 400 and error_of(r)["field"] == "amount"
    r = api.post(f"/fees/bills/{second}/adjustments", user=staff, json={"kind": "waiver", "reason": "困难家庭减免"})
    assert r.status_code == 201 and r.get_json()["amount"] == "-210.33"
    assert api.post(f"/fees/bills/{second}/adjustments", user=staff,
                    json={"kind": "waiver", "reason": "again"}).status_code == 409
    s = statement(staff, "1-1-101")
    assert [b["outstanding"] for b in s["bills"]] == ["200.00", "0.00"]
    adjustment = s["adjustments"][0]["id"]
    r = api.post(f"/fees/adjustments/{adjustment}/reverse", user=staff, json={"reason": "核实电梯仅停运一天"})
    assert r.status_code == 201
    assert statement(staff, "1-1-101")["bills"][0]["outstanding"] == "210.33"
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("fees.%"))))
    assert {"fees.adjustment", "fees.waiver", "fees.adjustment_reverse"} <= set(actions)
