"""The fee pages over the test client: staff set an item, make bills, record a payment and print the receipt,
climb the reminder ladder; the owner sees the bill and disputes it; the committee opens the figures."""

import re
from datetime import datetime

import pytest

from community.core.timeutil import frozen
from community.fees import reports, services
from tests.test_desk_access import log_in

NOW = datetime(2026, 3, 10, 2, 0)


@pytest.fixture(autouse=True)
def clock():
    with frozen(NOW):
        yield


def page(client, path) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    html = r.get_data(as_text=True)
    assert not re.search(r"\sstyle\s*=", html), f"{path}: the CSP forbids style attributes"
    return html


def test_staff_and_owner_on_the_pages(make_app, staff, owner, committee_member):
    app = make_app()
    desk, mine, member = app.test_client(), app.test_client(), app.test_client()
    log_in(desk, staff)
    log_in(mine, owner)
    log_in(member, committee_member)
    r = desk.post("/fees/items", data={"name": "物业服务费", "basis": "area", "rate": "2.35", "starts": "2026-01"},
                  follow_redirects=True)
    assert "物业服务费" in r.get_data(as_text=True)
    for period in ("2026-01", "2026-02"):
        r = desk.post("/fees/generate", data={"period": period}, follow_redirects=True)
        assert r.status_code == 200
    assert "6" in r.get_data(as_text=True)
    html = page(mine, "/fees/")
    assert "1-1-101" in html and "420.66" in html
    r = desk.post("/fees/units/1-1-101/payments", data={"amount": "210.33", "channel": "cash", "confirm": "1"},
                  follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "SK2026031" in html and "210.33" in html
    payment = reports.statement(staff, "1-1-101", mark_read=False)["payments"][0]["id"]
    pdf = desk.get(f"/fees/payments/{payment}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    r = desk.post("/fees/units/1-1-101/payments", data={"amount": "1.234", "channel": "cash"}, follow_redirects=True)
    assert "123.45" in r.get_data(as_text=True)  # the error explains the format
    for data in ({"step": "notice"}, {"step": "letter", "channel": "handed", "proof": "本人签收"},
                 {"step": "phone", "note": "答应月底交"}, {"step": "demand", "channel": "posted", "proof": "EMS 1234"}):
        r = desk.post("/fees/units/1-1-101/remind", data=data, follow_redirects=True)
        assert r.status_code == 200
    steps = [r["step"] for r in reports.statement(staff, "1-1-101", mark_read=False)["reminders"]]
    assert steps == ["notice", "letter", "phone", "demand"]
    assert "id=\"evidence\"" in page(desk, "/fees/units/1-1-101")
    letter = desk.get("/fees/units/1-1-101/letter.pdf?step=demand")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
    html = page(desk, "/fees/register")
    assert "1-1-101" in html and owner.phone in html
    bill = reports.statement(staff, "1-1-101", mark_read=False)["bills"][1]["id"]
    r = mine.post(f"/fees/bills/{bill}/dispute", data={"text": "二月电梯停了", "unit": "1-1-101"},
                  follow_redirects=True)
    assert "tag-disputed" in r.get_data(as_text=True)
    html = page(member, "/fees/figures")
    assert "1-1-101" not in html and owner.phone not in html and "90%" in html
    assert member.get("/fees/register").status_code == 403
    assert member.get("/fees/units/1-1-101").status_code == 404
    assert mine.get("/fees/figures").status_code == 403
    csv = member.get("/fees/figures.csv")
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())


def test_waiver_and_reversal_on_the_pages(make_app, staff, roster):
    app = make_app()
    desk = app.test_client()
    log_in(desk, staff)
    services.create_item(staff, {"name": "物业服务费", "basis": "unit", "rate": "100", "starts": "2026-01"})
    services.generate(staff, "2026-01")
    bill = reports.statement(staff, "2-1-101", mark_read=False)["bills"][0]["id"]
    r = desk.post("/fees/units/2-1-101/adjust", data={"bill": str(bill), "kind": "waiver", "reason": "困难家庭"},
                  follow_redirects=True)
    assert r.status_code == 200
    assert reports.statement(staff, "2-1-101", mark_read=False)["bills"][0]["outstanding"] == "0.00"
    payment, _ = services.record_payment(staff, {"unit": "2-1-101", "amount": "50", "channel": "cash"})
    desk.post(f"/fees/payments/{payment.id}/reverse", data={"reason": "重复录入", "unit": "2-1-101"})
    s = reports.statement(staff, "2-1-101", mark_read=False)
    assert s["credit"] == "0.00" and [p["amount"] for p in s["payments"]] == ["50.00", "-50.00"]
    html = page(desk, "/fees/units/2-1-101")
    assert "重复录入" in html


def test_the_register_page_pages(make_app, staff, roster, monkeypatch):
    from community.fees import views
    monkeypatch.setattr(views, "REGISTER_PAGE", 4)
    app = make_app()
    desk = app.test_client()
    log_in(desk, staff)
    services.create_item(staff, {"name": "物业服务费", "basis": "unit", "rate": "100", "starts": "2026-01"})
    services.generate(staff, "2026-01")
    first = page(desk, "/fees/register")
    assert first.count('class="register-row"') == 4 and "6" in first and 'id="register-more"' in first
    second = page(desk, "/fees/register?page=2")
    assert second.count('class="register-row"') == 2 and 'id="register-more"' not in second


def test_transfer_screenshot_on_the_pages(make_app, staff, owner, tmp_path):
    import io

    from PIL import Image
    app = make_app(MEDIA_DIR=str(tmp_path / "media"))
    desk, mine = app.test_client(), app.test_client()
    log_in(desk, staff)
    log_in(mine, owner)
    services.create_item(staff, {"name": "物业服务费", "basis": "unit", "rate": "100", "starts": "2026-01"})
    services.generate(staff, "2026-01")
    picture = io.BytesIO()
    Image.new("RGB", (50, 50), (0, 0, 200)).save(picture, "PNG")
    picture.seek(0)
    r = mine.post("/fees/units/1-1-101/claims", data={"amount": "100.00", "reference": "建行 0099",
                                                      "screenshot": (picture, "pay.png")},
                  content_type="multipart/form-data", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "建行 0099" in html and 'data-status="pending"' in html
    claim = reports.statement(staff, "1-1-101", mark_read=False)["claims"][0]["id"]
    html = page(desk, "/fees/")
    assert "pending-claims" in html and "1-1-101" in html
    r = desk.post(f"/fees/claims/{claim}/confirm", data={"unit": "1-1-101", "confirm": "1"}, follow_redirects=True)
    assert 'data-status="confirmed"' in r.get_data(as_text=True)
    assert reports.statement(staff, "1-1-101", mark_read=False)["balance"] == "0.00"


def test_a_signature_photo_is_the_letters_proof(make_app, staff, owner, resident, tmp_path):
    import io

    from PIL import Image
    app = make_app(MEDIA_DIR=str(tmp_path / "media"))
    desk = app.test_client()
    log_in(desk, staff)
    services.create_item(staff, {"name": "物业服务费", "basis": "unit", "rate": "100", "starts": "2026-01"})
    services.generate(staff, "2026-01")
    services.remind(staff, "1-1-101", {"step": "notice"})
    picture = io.BytesIO()
    Image.new("RGB", (50, 50), (200, 0, 0)).save(picture, "PNG")
    picture.seek(0)
    desk.post("/fees/units/1-1-101/remind", data={"step": "letter", "channel": "handed", "proof": "本人签收",
                                                  "photo": (picture, "sign.png")}, content_type="multipart/form-data")
    letter = reports.statement(staff, "1-1-101", mark_read=False)["reminders"][1]
    assert letter["step"] == "letter" and letter["proof_image"]
    image = desk.get(letter["proof_image"])
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()
    other = app.test_client()
    log_in(other, resident)
    assert other.get(letter["proof_image"]).status_code == 404


def test_a_fee_reminder_shows_in_the_notifications(make_app, staff, owner):
    app = make_app()
    mine = app.test_client()
    log_in(mine, owner)
    services.create_item(staff, {"name": "物业服务费", "basis": "unit", "rate": "100", "starts": "2026-01"})
    services.generate(staff, "2026-01")
    services.remind(staff, "1-1-101", {"step": "notice"})
    html = page(mine, "/notifications")
    assert 'data-kind="fees"' in html and 'href="/fees/"' in html
    page(mine, "/fees/")
    assert reports.statement(staff, "1-1-101", mark_read=False)["reminders"][0]["read_at"] is not None
