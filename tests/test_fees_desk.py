"""Property fees at the desk: who sees what, the arrears register, the reminder ladder with proof, disputes,
that arrears gate nothing, figures by hand count, the import of opening balances, receipts, transfer claims,
two bill runs at once, and odd bodies."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from community.audit.models import AuditEntry
from community.core.errors import Conflict, Invalid
from community.core.timeutil import frozen
from community.extensions import db
from community.fees import ledger, reports, services
from community.fees.models import Bill
from tests.conftest import error_of
from tests.fixtures.fees import NOW, billed, statement

# ---- who sees what -----------------------------------------------------------------------------------

def test_owner_sees_own_bills_on_the_api(api, staff, owner, area_item):
    billed(staff, "2026-01")
    r = api.get("/fees/me", user=owner)
    assert r.status_code == 200
    mine = {u["unit"]: u for u in r.get_json()["items"]}
    assert "1-1-101" in mine and mine["1-1-101"]["bills"][0]["amount"] == "210.33"
    assert mine["1-1-101"]["balance"] == "210.33"
    assert api.get("/fees/units/1-1-101", user=owner).status_code == 200
    assert api.get("/fees/units/2-1-101", user=owner).status_code == 404
    assert api.get("/fees/units/nope", user=owner).status_code == 404
    assert api.get("/fees/arrears", user=owner).status_code == 403


def test_committee_and_neighbours_see_no_unit_amount_or_name(api, staff, owner, committee_member, resident,
                                                             area_item):
    billed(staff, "2026-01", "2026-02")
    services.record_payment(staff, {"unit": "2-1-101", "amount": "200.00", "channel": "cash"})
    for user in (committee_member, resident):
        assert api.get("/fees/units/1-1-101", user=user).status_code == 404
        assert api.get("/fees/units/1-1-101/evidence", user=user).status_code == 403
        assert api.get("/fees/arrears", user=user).status_code == 403
        assert api.get("/fees/me", user=user).get_json()["items"] == [] or user is committee_member
    assert api.get("/fees/figures", user=resident).status_code == 403
    r = api.get("/fees/figures", user=committee_member)
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    for leak in ("1-1-101", "2-1-101", "王伟", "张敏", owner.phone, "210.33", "\"unit\""):
        assert leak not in text, leak
    csv = api.get("/fees/figures.csv", user=committee_member).get_data(as_text=True)
    assert "1-1-101" not in csv and "王伟" not in csv


def test_committee_cannot_write(api, committee_member, area_item, staff):
    billed(staff, "2026-01")
    bill = statement(staff, "1-1-101")["bills"][0]["id"]
    for path, body in [("/fees/items", {}), ("/fees/bills/generate", {"period": "2026-02"}),
                       ("/fees/payments", {}), (f"/fees/bills/{bill}/adjustments", {}),
                       ("/fees/units/1-1-101/reminders", {})]:
        assert api.post(path, user=committee_member, json=body).status_code == 403, path


def test_anonymous_gets_401(api):
    for path in ("/fees/me", "/fees/figures", "/fees/arrears", "/fees/units/1-1-101"):
        assert api.get(path).status_code == 401


# ---- register, reminders, disputes -------------------------------------------------------------------

def test_register_lists_overdue_units_with_names_phones_and_open_tickets(api, staff, owner, area_item):
    from community.desk import tickets as desk
    billed(staff, "2026-01", "2026-02", "2026-03")
    ticket = desk.file_ticket(owner, "complaint", {"category": "complaint", "unit": "1-1-101",
                                                   "description": "楼道灯坏了一个月没人修。"})
    rows = {r["unit"]: r for r in api.get("/fees/arrears", user=staff).get_json()["items"]}
    assert set(rows) == {"1-1-101", "1-1-102", "1-1-201", "2-1-101", "2-1-102", "3-1-1001"}
    row = rows["1-1-101"]
    assert row["overdue"] == "420.66" and row["months_owed"] == 2 and row["oldest_due"] == "2026-01-31"
    assert row["accounts"] == [{"name": "王伟", "phone": owner.phone}]
    assert row["open_tickets"][0]["id"] == ticket.id and row["next_step"] == "notice"


def test_the_reminder_ladder_records_every_step_with_proof(api, client, staff, owner, area_item):
    billed(staff, "2026-01")
    url = "/fees/units/1-1-101/reminders"
    assert api.post(url, user=staff, json={"step": "letter", "proof": "x"}).status_code == 409
    r = api.post(url, user=staff, json={"step": "notice"})
    assert r.status_code == 201 and r.get_json()["channel"] == "app"
    r = api.post(url, user=staff, json={"step": "letter", "channel": "handed"})
    assert r.status_code == 400 and error_of(r)["field"] == "proof"
    assert api.post(url, user=staff, json={"step": "letter", "channel": "posted",
                                           "proof": "挂号信 XA123456789CN"}).status_code == 201
    r = api.post(url, user=staff, json={"step": "phone"})
    assert r.status_code == 400 and error_of(r)["field"] == "note"
    assert api.post(url, user=staff, json={"step": "phone", "note": "业主说月底前来交"}).status_code == 201
    too_soon = (date(2026, 3, 10) + timedelta(days=14)).isoformat()
    r = api.post(url, user=staff, json={"step": "demand", "proof": "本人签收", "deadline": too_soon})
    assert r.status_code == 400 and error_of(r)["field"] == "deadline"
    r = api.post(url, user=staff, json={"step": "demand", "channel": "handed", "proof": "王伟本人签收"})
    assert r.status_code == 201 and r.get_json()["deadline"] == "2026-03-25"
    # the owner opening the page is the read receipt of the in-app notice
    assert api.get("/fees/units/1-1-101", user=owner).status_code == 200
    s = statement(staff, "1-1-101")
    steps = [(r["step"], r["channel"], bool(r["proof"]), r["by_id"]) for r in s["reminders"]]
    assert steps == [("notice", "app", True, staff.id), ("letter", "posted", True, staff.id),
                     ("phone", "phone", False, staff.id), ("demand", "handed", True, staff.id)]
    assert s["reminders"][0]["read_at"] is not None and s["reminders"][3]["deadline"] == "2026-03-25"
    assert {e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.target == "unit:1-1-101"))} \
        == {"fees.remind_notice", "fees.remind_letter", "fees.remind_phone", "fees.remind_demand"}
    with frozen(datetime(2026, 3, 26, 2, 0)):
        row = next(r for r in reports.register(staff) if r["unit"] == "1-1-101")
        assert row["deadline_passed"] is True
        pack = api.get("/fees/units/1-1-101/evidence", user=staff).get_json()
    assert len(pack["reminders"]) == 4 and pack["reminders"][1]["proof"] == "挂号信 XA123456789CN"
    assert pack["bills"][0]["amount"] == "210.33" and pack["owners"] == ["王伟"]


def test_no_reminder_without_arrears(staff, area_item):
    billed(staff, "2026-03")  # not yet due
    with pytest.raises(Conflict):
        services.remind(staff, "1-1-101", {"step": "notice"})


def test_disputes_mark_the_bill_until_resolved(api, staff, owner, resident, area_item):
    billed(staff, "2026-01")
    bill = statement(staff, "1-1-101")["bills"][0]["id"]
    assert api.post(f"/fees/bills/{bill}/disputes", user=resident, json={"text": "x"}).status_code == 404
    r = api.post(f"/fees/bills/{bill}/disputes", user=owner, json={"text": "一月电梯停了两周，不该全额收费。"})
    assert r.status_code == 201
    dispute = r.get_json()["id"]
    assert api.post(f"/fees/bills/{bill}/disputes", user=owner, json={"text": "again"}).status_code == 409
    assert statement(staff, "1-1-101")["bills"][0]["disputed"] is True
    assert next(r for r in reports.register(staff) if r["unit"] == "1-1-101")["disputed"] is True
    r = api.post(f"/fees/disputes/{dispute}/resolve", user=staff, json={})
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    assert api.post(f"/fees/disputes/{dispute}/resolve", user=staff,
                    json={"reason": "已按停运天数减免"}).status_code == 200
    assert statement(staff, "1-1-101")["bills"][0]["disputed"] is False


# ---- arrears gate nothing ----------------------------------------------------------------------------

def test_an_owner_in_arrears_can_still_post_chat_file_a_repair_and_vote(api, staff, owner, committee_member,
                                                                       area_item):
    from community.chat import services as chat
    from tests.fixtures.people import set_policy
    billed(staff, "2026-01", "2026-02")
    services.remind(staff, "1-1-101", {"step": "notice"})
    services.remind(staff, "1-1-101", {"step": "letter", "proof": "本人签收"})
    services.remind(staff, "1-1-101", {"step": "phone", "note": "已电话提醒"})
    services.remind(staff, "1-1-101", {"step": "demand", "proof": "本人签收"})
    assert services.overdue_fen(owner.primary_unit.id, date(2026, 3, 10)) > 0
    set_policy(post_interval_s=0)
    r = api.post("/boards/neighbours/threads", user=owner, json={"title": "楼下花园的长椅", "body": "谁知道什么时候修好？"})
    assert r.status_code == 201, r.get_json()
    message, created = chat.send(owner, "lobby", "大家好，周末有团购吗？", "c-1")
    assert created and message["id"]
    r = api.post("/repairs", user=owner, json={"category": "plumbing", "unit": "1-1-101",
                                               "description": "卫生间水龙头一直滴水。"})
    assert r.status_code == 201, r.get_json()
    assert api.patch("/votes/procedure", user=committee_member, json={"notice_days": 0}).status_code == 200
    r = api.post("/votes", user=committee_member, json={"title": "更换小区监控", "body": "是否使用公共收益更换监控？",
                                                        "matter": 9, "secret": False,
                                                        "closes_at": "2026-03-20T00:00:00Z"})
    assert r.status_code == 201, r.get_json()
    vote = r.get_json()["id"]
    assert api.post(f"/votes/{vote}/open", user=committee_member).status_code == 200
    r = api.post(f"/votes/{vote}/ballots", user=owner, json={"choice": "yes", "unit": "1-1-101"})
    assert r.status_code == 201, r.get_json()


# ---- figures -----------------------------------------------------------------------------------------

def test_figures_equal_a_hand_count(api, staff, committee_member, area_item):
    billed(staff, "2026-01", "2026-02")
    services.record_payment(staff, {"unit": "1-1-101", "amount": "420.66", "channel": "cash"})  # both months
    services.record_payment(staff, {"unit": "2-1-101", "amount": "235.00", "channel": "cash"})  # Jan only
    f = api.get("/fees/figures?year=2026", user=committee_member).get_json()
    # building 1: 210.33 + 282.82 + 176.25 = 669.40 a month; paid 420.66 of 1338.80 → 31.4% (31.42…)
    b1 = next(b for b in f["by_building"] if b["building"] == "1")
    assert (b1["billed"], b1["paid"], b1["rate"], b1["met"]) == ("1338.80", "420.66", "31.4", False)
    assert b1["units"] == 2 + 1 and b1["units_in_arrears"] == 2
    # building 2: 235.00 + 223.84 a month; 235.00 paid on January
    b2 = next(b for b in f["by_building"] if b["building"] == "2")
    jan = b2["monthly"][0]
    assert (jan["billed"], jan["paid"], jan["rate"]) == ("458.84", "235.00", "51.2")
    total_billed = 2 * (66940 + 45884 + 33088)  # building 3: 140.80 × 2.35 = 330.88
    assert f["year_total"]["billed"] == ledger.show(total_billed)
    assert f["year_total"]["paid"] == "655.66" and f["target"] == 90
    bands = {b["band"]: b for b in f["overdue_by_age"]}
    assert bands["0-3"]["units"] == 5
    assert bands["0-3"]["amount"] == ledger.show(total_billed - 65566)


def test_rate_meets_target_in_integers(app):
    assert reports._rate(90, 100, 90)["met"] is True
    assert reports._rate(8999, 10000, 90) == {"billed": "100.00", "paid": "89.99", "rate": "89.9", "target": 90,
                                              "met": False}


# ---- import of opening balances ------------------------------------------------------------------------

def test_import_refuses_a_bad_row_and_imports_nothing(app, staff, roster):
    bad = "unit,period,amount,description\n1-1-101,2025-12,1200.00,往年欠费\n9-9-999,2025-12,10.00,\n"
    with pytest.raises(Invalid) as refused:
        reports.import_balances(None, bad, via="cli")
    assert refused.value.field == "row 3" and "3" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Bill)) == 0
    for rows, row in [("1-1-101,2025-12,12.345\n", 2), ("1-1-101,2025-12,10\n1-1-101,2025-12,5\n", 3),
                      ("1-1-101,202512,10\n", 2), ("1-1-101\n", 2)]:
        with pytest.raises(Invalid) as refused:
            reports.import_balances(None, "unit,period,amount\n" + rows, via="cli")
        assert refused.value.field == f"row {row}", rows
    assert db.session.scalar(select(func.count()).select_from(Bill)) == 0
    done = reports.import_balances(None, "unit,period,amount,description\n1-1-101,2025-12,1200.00,2025年欠费\n"
                                         "2-1-101,2024-12,2400.50,\n", via="cli")
    assert done == {"imported": 2, "total": "3600.50"}
    with frozen(NOW):
        assert statement(staff, "1-1-101")["overdue"] == "1200.00"


def test_import_cli(app, roster, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,period,amount\n1-1-101,2025-12,10\n1-1-101,2025-13,10\n", encoding="utf-8")
    result = runner.invoke(args=["fees", "import-balances", str(bad)])
    assert result.exit_code != 0 and "3" in result.output
    assert db.session.scalar(select(func.count()).select_from(Bill)) == 0
    good = tmp_path / "good.csv"
    good.write_text("\ufeffunit,period,amount\n1-1-101,2025-12,10\n", encoding="utf-8")
    result = runner.invoke(args=["fees", "import-balances", str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 1" in result.output


# ---- printed receipt -----------------------------------------------------------------------------------

def test_receipt_pdf_for_staff_and_the_owner_only(api, staff, owner, resident, area_item):
    billed(staff, "2026-01")
    payment, _ = services.record_payment(staff, {"unit": "1-1-101", "amount": "210.33", "channel": "cash"})
    r = api.get(f"/fees/payments/{payment.id}/receipt.pdf", user=owner)
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert api.get(f"/fees/payments/{payment.id}/receipt.pdf", user=resident).status_code == 404


@pytest.mark.parametrize("role", ["owner", "committee", "resident", "vendor", "staff", "admin"])
def test_unit_ledger_policy(role):
    from types import SimpleNamespace

    from community.core import policy
    me = SimpleNamespace(id=1, role="owner" if role == "committee" else role, committee=role == "committee",
                         status="approved")
    mine, theirs = SimpleNamespace(owner_user_ids=frozenset({1})), SimpleNamespace(owner_user_ids=frozenset({2}))
    staff = role in ("staff", "admin")
    assert policy.can(me, "fees.view_unit", mine) is (staff or role in ("owner", "committee", "resident"))
    assert policy.can(me, "fees.view_unit", theirs) is staff
    assert policy.can(me, "fees.dispute", mine) is (role in ("owner", "committee"))
    assert policy.can(me, "fees.dispute", theirs) is False


def test_two_runs_at_once_make_each_bill_once(app, area_item):
    import threading

    from community.jobs import run_all
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            with app.app_context(), frozen(datetime(2026, 5, 1, 1, 0)):
                barrier.wait()
                results.append(run_all()["fees"])
                db.session.remove()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(r["created"] for r in results) == [0, 6]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Bill).where(Bill.period == "2026-05")) == 6


# ---- transfer claims ------------------------------------------------------------------------------------

def png() -> bytes:
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 160, 90)).save(out, "PNG")
    return out.getvalue()


def test_an_owners_transfer_screenshot_becomes_a_payment_when_staff_confirm(app, api, staff, owner, resident,
                                                                           area_item, tmp_path):
    from community.boards import media
    app.config["MEDIA_DIR"] = str(tmp_path / "media")
    billed(staff, "2026-01", "2026-02")
    shot = media.upload(owner, png())
    url = "/fees/units/1-1-101/claims"
    r = api.post(url, user=owner, json={"amount": "420.66", "reference": "工行 8812"})
    assert r.status_code == 400 and error_of(r)["field"] == "attachment_id"
    assert api.post(url, user=resident, json={"amount": "1", "reference": "x",
                                              "attachment_id": shot.id}).status_code == 404
    r = api.post(url, user=owner, json={"amount": "420.66", "reference": "工行 8812", "attachment_id": shot.id})
    assert r.status_code == 201, r.get_json()
    claim = r.get_json()
    assert claim["status"] == "pending" and statement(staff, "1-1-101")["balance"] == "420.66"
    assert api.post(url, user=owner, json={"amount": "1", "reference": "x",
                                           "attachment_id": shot.id}).status_code == 400  # one claim per image
    image = api.get(claim["image"].removeprefix("/api/v1"), user=staff)
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()
    assert api.get(claim["image"].removeprefix("/api/v1"), user=resident).status_code == 404
    assert [c["id"] for c in api.get("/fees/claims", user=staff).get_json()["items"]] == [claim["id"]]
    assert api.post(f"/fees/claims/{claim['id']}/confirm", user=owner, json={}).status_code == 403
    r = api.post(f"/fees/claims/{claim['id']}/confirm", user=staff, json={})
    assert r.status_code == 200 and r.get_json()["status"] == "confirmed"
    s = statement(staff, "1-1-101")
    assert s["balance"] == "0.00" and s["payments"][0]["channel"] == "transfer"
    assert s["payments"][0]["reference"] == "工行 8812"
    assert api.post(f"/fees/claims/{claim['id']}/reject", user=staff, json={"reason": "x"}).status_code == 409
    second = media.upload(owner, png())
    other = api.post(url, user=owner, json={"amount": "10", "reference": "重复", "attachment_id": second.id})
    r = api.post(f"/fees/claims/{other.get_json()['id']}/reject", user=staff, json={"reason": "银行流水中没有这笔"})
    assert r.status_code == 200 and r.get_json()["reason"] == "银行流水中没有这笔"
    assert {"fees.claim_confirm", "fees.claim_reject"} <= set(db.session.scalars(select(AuditEntry.action)))


def test_odd_bodies_are_400_or_404_never_500(api, staff, owner, area_item):
    billed(staff, "2026-01")
    for path, body in [("/fees/payments", {"unit": "1-1-101", "amount": "1", "channel": "cash", "bills": [True]}),
                       ("/fees/payments", {"unit": "1-1-101", "amount": "1", "channel": "cash", "bills": [2**40]}),
                       ("/fees/payments", {"unit": ["1-1-101"], "amount": 1, "channel": None}),
                       ("/fees/bills/generate", {"period": 202601}),
                       ("/fees/units/1-1-101/reminders", {"step": "notice", "proof_attachment_id": 2**40}),
                       ("/fees/units/1-1-101/reminders", {"step": "demand", "deadline": "tomorrow"}),
                       ("/fees/items", {"name": "x", "basis": "space", "rate": "1", "starts": "2026-01",
                                        "units": {"1-1-101": True}})]:
        r = api.post(path, user=staff, json=body)
        assert r.status_code in (400, 409), (path, body, r.status_code)
    bill = statement(staff, "1-1-101")["bills"][0]["id"]
    r = api.post(f"/fees/bills/{bill}/disputes", user=owner, json={"text": "x", "ticket_id": 2**40})
    assert r.status_code == 400 and error_of(r)["field"] == "ticket_id"
    r = api.post("/fees/units/1-1-101/claims", user=owner, json={"amount": "1", "reference": "x",
                                                                 "attachment_id": 2**40})
    assert r.status_code == 400 and error_of(r)["field"] == "attachment_id"
    assert api.get("/fees/figures?year=1999", user=staff).status_code == 400
