"""Property fees in Chromium at 360 px: staff set a fee item and make bills, the owner sees the bill, staff
record a payment and print the receipt, another unit goes up the reminder ladder to a formal demand, and the
committee opens the figures. Every page fits the phone."""

import os

import pytest
from playwright.sync_api import expect

from community.core.timeutil import utcnow
from community.fees import ledger
from tests.browser.test_foundation_pages import assert_clear_of_bottom_nav, assert_fits, login, path_of

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
SHOTS = os.environ.get("FEES_SHOTS")  # a folder to keep screenshots in, for a person to look at


def shot(page, name: str) -> None:
    assert_fits(page, NARROW["width"])
    assert_clear_of_bottom_nav(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def test_fees_from_item_to_figures(phones, live_server, staff, owner, committee_member):
    current = ledger.period_of(utcnow())
    first, second = ledger.add_months(current, -2), ledger.add_months(current, -1)

    office = phones.open(**NARROW)
    login(office, staff.phone)
    with office.expect_navigation():
        office.locator("#home-fees").click()
    assert path_of(office) == "/fees/"
    office.locator("#new-item summary").click()
    office.locator("#item-name").fill("物业服务费")
    office.locator("#item-basis").select_option("area")
    office.locator("#item-rate").fill("2.35")
    office.locator("#item-starts").fill(first)
    submit(office, "#new-item form")
    expect(office.locator(".flash").first).to_contain_text("收费项目已保存")
    expect(office.locator("#items")).to_contain_text("物业服务费")
    for period in (first, second):
        office.locator("#generate summary").click()
        office.locator("#period").fill(period)
        submit(office, "#generate form")
        expect(office.locator(".flash").last).to_contain_text(period)
    shot(office, "1-staff-hub")

    home = phones.open(**NARROW)
    login(home, owner.phone, then="/fees/")
    bill = home.locator(".my-unit[data-unit='1-1-101']")
    expect(bill).to_contain_text("210.33")
    expect(home.locator("#balance-1-1-101")).to_contain_text("420.66")
    shot(home, "2-owner-bills")

    office.goto("/fees/units/1-1-101")
    office.locator("#pay-amount").fill("210.33")
    office.locator("#pay-channel").select_option("cash")
    office.locator("#record-payment input[name=confirm]").check()
    submit(office, "#record-payment form")
    expect(office.locator(".flash").last).to_contain_text("SK")
    expect(office.locator("#balance")).to_contain_text("210.33")
    receipt = office.locator("#payments a", has_text="打印收据").first.get_attribute("href")
    pdf = office.request.get(receipt)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    shot(office, "3-staff-ledger")

    office.goto("/fees/units/2-1-101")
    office.locator("#remind-submit").click()
    office.wait_for_load_state()
    expect(office.locator("#ladder [data-step=notice]")).to_be_visible()
    office.locator("#remind-channel").select_option("handed")
    office.locator("#remind-proof").fill("张敏本人签收")
    submit(office, "#next-step form")
    office.locator("#remind-note").fill("业主说下周来交")
    submit(office, "#next-step form")
    office.locator("#remind-channel").select_option("posted")
    office.locator("#remind-proof").fill("EMS 1170 2233 4455")
    office.locator("#next-step input[name=confirm]").check()
    submit(office, "#next-step form")
    for step in ("notice", "letter", "phone", "demand"):
        expect(office.locator(f"#ladder [data-step={step}]")).to_be_visible()
    expect(office.locator("#ladder [data-step=demand]")).to_contain_text("EMS 1170 2233 4455")
    letter = office.request.get("/fees/units/2-1-101/letter.pdf?step=demand")
    assert letter.ok and letter.body().startswith(b"%PDF")
    shot(office, "4-reminder-ladder")
    office.goto("/fees/register")
    expect(office.locator("[data-unit='2-1-101']")).to_contain_text("正式催告")
    shot(office, "5-register")

    member = phones.open(**NARROW)
    login(member, committee_member.phone, then="/fees/figures")
    expect(member.locator("#fee-figures")).to_contain_text("90%")
    expect(member.locator("#by-building [data-building='1']")).to_be_visible()
    assert "1-1-101" not in member.content()
    shot(member, "6-committee-figures")
