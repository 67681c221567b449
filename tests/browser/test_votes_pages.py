"""Owners' votes in Chromium at phone size: an owner votes and keeps the receipt, watches the turnout move as
neighbours vote, and sees the result once the committee closes the vote; no page scrolls sideways at 360 px."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from community.core.timeutil import utcnow
from community.votes import services as votes
from tests import test_votes
from tests.browser.test_confirm_sheets import confirm_submit
from tests.browser.test_foundation_pages import assert_fits, login, path_of
from tests.fixtures.votes import no_notice  # noqa: F401
from tests.test_votes import later

owners = test_votes.owners  # the fixtures, shared
second_member = test_votes.second_member

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_notice")]

NARROW = {"width": 360, "height": 740}


@pytest.fixture
def make_app(make_app):
    """The vote page asks for the turnout every second here, not every fifteen."""
    def make(**overrides):
        return make_app(VOTES_POLL_SECONDS=1, **overrides)
    return make


def a_month_ahead() -> str:
    """A closing time as the form's datetime-local field takes it: the estate's local time (UTC+8)."""
    return (utcnow() + timedelta(days=30, hours=8)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def vote_id(app, owners):
    member = owners["李娜"]
    vote = votes.create(member, {"title": "续聘物业服务企业", "body": "是否续聘**现物业公司**三年？", "matter": 4,
                                 "closes_at": later()})
    return votes.open_vote(member, vote.id).id


def test_an_owner_votes_watches_turnout_and_reads_the_result(phones, owners, vote_id):
    owner = phones.open()
    login(owner, owners["王伟"].phone, then="/")
    with owner.expect_navigation():
        owner.locator("#home-votes").click()
    with owner.expect_navigation():
        owner.locator(f".vote-card[data-id='{vote_id}'] a").click()
    assert path_of(owner) == f"/votes/{vote_id}"
    expect(owner.locator("h1")).to_have_text("续聘物业服务企业")
    expect(owner.locator(".post-body strong")).to_have_text("现物业公司")
    expect(owner.locator("#vote")).to_contain_text("选聘和解聘物业服务企业")
    expect(owner.locator("[data-turnout=persons]")).to_have_text("0")

    owner.locator("label.choice", has_text="同意").click()
    assert "你选择了：同意" in confirm_submit(owner, owner.locator("form.ballot button[type=submit]"))
    receipt = owner.locator("#receipt .receipt-code code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){3}", receipt)
    expect(owner.locator("[data-turnout=persons]")).to_have_text("1")
    expect(owner.locator("[data-turnout=area]")).to_have_text("209.85")
    expect(owner.locator("form.ballot")).to_have_count(0)
    expect(owner.locator("#ballot .voted")).to_contain_text("1-1-101, 1-1-102")

    # Neighbours vote; the open page follows without being reloaded.
    votes.cast(owners["张敏"], vote_id, "yes")
    expect(owner.locator("[data-turnout=persons]")).to_have_text("2")
    votes.cast(owners["刘洋"], vote_id, "yes")
    votes.cast(owners["李娜"], vote_id, "no")
    expect(owner.locator("[data-turnout=persons]")).to_have_text("4")
    expect(owner.locator("[data-turnout=area]")).to_have_text("480.10")
    assert owner.locator("#turnout-persons").evaluate("m => m.value") == 4

    owner.locator("#code").fill(receipt.lower())
    with owner.expect_navigation():
        owner.locator("#check-receipt button[type=submit]").click()
    expect(owner.locator("#check-receipt .flash")).to_have_text("已计入，选择为：同意")
    expect(owner.locator("#receipt")).to_have_count(0)  # the receipt itself was shown once

    committee = phones.open()
    committee.on("dialog", lambda dialog: dialog.accept())
    login(committee, owners["李娜"].phone, then=f"/votes/{vote_id}")
    committee.locator("#close-reason").fill("全部业主已表决")
    confirm_submit(committee, committee.locator("button[name=close]"))
    expect(committee.locator(".flash")).to_have_text("投票已结束并完成计票：异议答复前为初步结果。")

    # The owner's page notices the close and reloads itself.
    expect(owner.locator("#vote .badge").first).to_have_text("已结束", timeout=10_000)
    with owner.expect_navigation():
        owner.locator("#turnout a.button").click()
    assert path_of(owner) == f"/votes/{vote_id}/result"
    expect(owner.locator(".outcome")).to_have_text("通过")
    expect(owner.locator("#check-participation-persons .fraction")).to_have_text("4 / 5")
    expect(owner.locator("#check-participation-area .fraction")).to_have_text("480.10 / 620.90 m²")
    expect(owner.locator("#check-approval-persons .fraction")).to_have_text("3 / 4")
    expect(owner.locator("#check-approval-area .fraction")).to_have_text("405.10 / 480.10 m²")
    expect(owner.locator("#check-approval-area")).to_contain_text("达到")
    expect(owner.locator("#ballots tbody tr")).to_have_count(5)  # an open ballot: units published, no names
    expect(owner.locator("#ballots")).not_to_contain_text("王伟")


def test_vote_pages_fit_a_narrow_phone(phones, owners, second_member, vote_id):
    votes.cast(owners["王伟"], vote_id, "yes")
    entered, _none = votes.record_paper(owners["李娜"], vote_id, {
        "unit": "1-1-102", "choice": "no", "evidence": "纸质表决票第 1 号，业主王伟签字，原件存业委会档案柜"})
    votes.confirm_paper(second_member, vote_id, entered.id)
    phone = phones.open(**NARROW)
    login(phone, owners["李娜"].phone, then="/votes")
    for path in ("/votes", f"/votes/{vote_id}", f"/votes/{vote_id}/paper", "/votes/new"):
        phone.goto(path)
        assert_fits(phone, NARROW["width"])
    votes.close(owners["李娜"], vote_id, "测试")
    phone.goto(f"/votes/{vote_id}/result")
    expect(phone.locator(".outcome")).to_have_text("未通过")
    assert_fits(phone, NARROW["width"])


def test_the_committee_drafts_and_opens_a_vote_on_a_phone(phones, owners):
    phone = phones.open()
    login(phone, owners["李娜"].phone, then="/votes/new")
    phone.locator("#title").fill("筹集维修资金")
    phone.locator("#body").fill("按每平方米 2 元筹集。")
    phone.locator("#matter").select_option("6")
    phone.locator("#secret").check()
    phone.locator("#closes_at").fill(a_month_ahead())
    with phone.expect_navigation():
        phone.locator("form button[type=submit]").click()
    expect(phone.locator(".badge").first).to_have_text("草稿")
    expect(phone.locator("#vote")).to_contain_text("不记名投票")
    phone.on("dialog", lambda dialog: dialog.accept())
    confirm_submit(phone, phone.locator("button[name=open]"))
    expect(phone.locator("#vote .badge").first).to_have_text("投票中")
    expect(phone.locator("#vote")).to_contain_text("5 位业主，620.90 平方米")
    expect(phone.locator("#ballot legend")).to_contain_text("1-1-201")  # 李娜 is an owner too

