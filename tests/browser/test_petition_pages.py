"""An owners' petition in Chromium at 360 px: an owner starts it, another signs through the confirmation sheet
(cancelling once first), the bar moves, the committee is told and answers; no page scrolls sideways."""

import os

import pytest
from playwright.sync_api import expect

from tests import test_votes
from tests.browser.test_foundation_pages import assert_fits, login, path_of

owners = test_votes.owners
pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
SHOTS = os.environ.get("VOTES_SCREENSHOTS")


def shot(page, name: str) -> None:
    assert_fits(page, NARROW["width"])
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_an_owner_signs_a_petition_on_a_phone(phones, owners):
    starter = phones.open(**NARROW)
    login(starter, owners["张敏"].phone, then="/petitions")
    starter.locator("#petition-title").fill("提议召开临时业主大会：更换物业服务企业")
    starter.locator("#petition-body").fill("物业服务质量长期不达标，提请业主大会审议是否解聘。")
    with starter.expect_navigation():
        starter.locator("#start button[type=submit]").click()
    expect(starter.locator(".flash")).to_be_visible()
    petition_path = path_of(starter)
    shot(starter, "petition-started")

    signer = phones.open(**NARROW)
    login(signer, owners["王伟"].phone, then=petition_path)
    expect(signer.locator("[data-signed]")).to_have_text("0")
    signer.locator("[data-open-sheet]").click()
    sheet = signer.locator("#sign-sheet")
    expect(sheet).to_be_visible()
    shot(signer, "petition-sheet")
    sheet.locator("[data-close-sheet]").click()  # changed their mind: nothing signed
    expect(sheet).to_be_hidden()
    signer.reload()
    expect(signer.locator("[data-signed]")).to_have_text("0")

    signer.locator("[data-open-sheet]").click()
    box = sheet.locator("button[type=submit]").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    with signer.expect_navigation():
        sheet.locator("button[type=submit]").click()
    expect(signer.locator(".flash")).to_contain_text("签名")
    expect(signer.locator("[data-signed]")).to_have_text("1")
    expect(signer.locator(".tags .badge")).to_have_text("已达五分之一业主")
    expect(signer.locator("meter")).to_have_attribute("value", "1")
    shot(signer, "petition-signed")

    committee = phones.open(**NARROW)
    committee.on("dialog", lambda dialog: dialog.accept())
    login(committee, owners["李娜"].phone, then="/notifications")
    expect(committee.locator("body")).to_contain_text("临时业主大会")
    committee.goto(petition_path)
    committee.locator("label.choice", has_text="书面答复").click()
    committee.locator("#response-text").fill("业委会将于两周内召开会议研究。")
    shot(committee, "petition-respond")
    committee.locator("#respond button[type=submit]").click()
    with committee.expect_navigation():  # the sheet asks first: a published response cannot be undone
        committee.locator("#confirm-sheet [data-sheet-ok]").click()
    expect(committee.locator("#response")).to_contain_text("两周内")
    shot(committee, "petition-answered")
