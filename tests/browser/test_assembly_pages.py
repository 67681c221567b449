"""An owners' assembly in Chromium at 360 px: the committee drafts a ballot with a motion and an election,
announces it, opens it when the notice has run, owners vote (one through a proxy), a paper ballot is entered by
one member and confirmed by another, the vote is closed early with a reason, an owner objects, the committee
answers and publishes the final result; no page scrolls sideways. On the way the draft takes a document, and
the delivery ledger records a paper handed over with a signature photo."""

import io
import os
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from community.core.timeutil import frozen, utcnow
from community.extensions import db
from community.votes import services as votes
from community.votes.models import Vote
from tests import test_votes
from tests.browser.test_confirm_sheets import confirm_submit
from tests.browser.test_foundation_pages import assert_fits, login, path_of

owners = test_votes.owners  # the fixtures, shared
second_member = test_votes.second_member

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
SHOTS = os.environ.get("VOTES_SCREENSHOTS")  # a folder to keep screenshots in, for looking at them


@pytest.fixture
def make_app(make_app, tmp_path):
    """Both apps keep uploads (the vote's document, the signature photo) in a temp folder."""
    def make(**overrides):
        return make_app(MEDIA_DIR=str(tmp_path / "media"), **overrides)
    return make


def signature_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 120), (240, 240, 240)).save(out, "PNG")
    return out.getvalue()


def shot(page, name: str) -> None:
    assert_fits(page, NARROW["width"])
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def phone_for(phones, user, then: str):
    page = phones.open(**NARROW)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, user.phone, then=then)
    return page


def submit(page, selector: str) -> None:
    """Press a button; a step that cannot be undone is accepted on the confirm sheet."""
    confirm_submit(page, page.locator(selector))


def vote_on(form, motion: str, *candidates: str) -> None:
    form.locator("label.choice", has_text=motion).first.click()
    for name in candidates:
        form.locator("label.choice", has_text=name).click()


def test_an_assembly_from_draft_to_final_on_a_phone(phones, owners, second_member):
    start = utcnow()
    committee = phone_for(phones, owners["李娜"], "/votes/new-assembly")
    committee.locator("#title").fill("2027 年第一次业主大会")
    committee.locator("#body").fill("表决议事规则修订，并选举业委会委员两名。")
    committee.locator("#closes_at").fill((start + timedelta(days=30, hours=8)).strftime("%Y-%m-%dT%H:%M"))
    committee.locator("#motion1_title").fill("修订议事规则")
    committee.locator("#motion1_body").fill("公告期 15 日，异议期 7 日。")
    committee.locator("#motion1_matter").select_option("1")
    committee.locator("#election_title").fill("选举业委会委员")
    committee.locator("#seats").select_option("2")
    committee.locator("#candidates").fill("李娜：连任，负责维修资金监督\n王伟：财务工作十年\n陈静：退休教师")
    shot(committee, "assembly-new")
    submit(committee, "form button[type=submit]")
    expect(committee.locator("#vote .badge").first).to_have_text("草稿")
    vote_id = int(path_of(committee).rsplit("/", 1)[1])
    expect(committee.locator("#vote .item")).to_have_count(2)
    committee.locator("#document-file").set_input_files(files=[{
        "name": "议事规则修订稿.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    submit(committee, "#documents form[enctype] button[type=submit]")
    expect(committee.locator("#documents .vote-documents a")).to_have_text("议事规则修订稿.pdf")

    submit(committee, "button[name=announce]")
    expect(committee.locator("#vote .badge").first).to_have_text("已公告")
    committee.locator("#delivery-ledger").click()
    committee.locator("#delivery-unit").fill("2-1-102")
    committee.locator("#delivery-received-by").fill("刘洋")
    committee.locator("#delivery-photo").set_input_files(files=[{
        "name": "签收.png", "mimeType": "image/png", "buffer": signature_png()}])
    submit(committee, "#record-delivery button[type=submit]")
    expect(committee.locator(".flash")).to_contain_text("送达已登记")
    expect(committee.locator('.ledger-unit[data-unit="2-1-102"]')).to_have_attribute("data-state", "paper")
    expect(committee.locator("#ledger-undelivered")).to_contain_text("未送达 5 户")
    shot(committee, "assembly-delivery")
    committee.goto(f"/votes/{vote_id}")
    submit(committee, "button[name=open]")
    expect(committee.locator(".flash-error")).to_contain_text("公告期至")  # the notice has not run
    shot(committee, "assembly-announced")

    with frozen(start + timedelta(days=15, minutes=5)):
        submit(committee, "button[name=open]")
        expect(committee.locator("#vote .badge").first).to_have_text("投票中")

        # 刘洋 names 王伟 his proxy; 王伟 then casts his own ballot and 刘洋's.
        liu = phone_for(phones, owners["刘洋"], f"/votes/{vote_id}")
        liu.locator("#phone").fill(owners["王伟"].phone)
        liu.locator("#evidence").fill("书面委托书已签字，原件交业委会")
        submit(liu, "#proxies button[type=submit]")
        expect(liu.locator(".flash")).to_contain_text("委托已登记")
        wang = phone_for(phones, owners["王伟"], f"/votes/{vote_id}")
        expect(wang.locator("form.ballot-items")).to_have_count(2)
        shot(wang, "assembly-ballot")
        own = wang.locator("form.ballot-items", has_text="1-1-101")
        vote_on(own, "同意", "李娜", "王伟")
        confirm_submit(wang, own.locator("button[type=submit]"))
        expect(wang.locator("#receipt code")).to_have_count(1)
        expect(wang.locator("#receipt-choices li")).to_have_count(len(votes.serialize_items(votes.get(owners["王伟"], vote_id))))
        held = wang.locator("form.ballot-items", has_text="2-1-102")
        expect(held.locator(".tag")).to_have_text("受托投票")
        vote_on(held, "同意", "李娜")
        confirm_submit(wang, held.locator("button[type=submit]"))
        expect(wang.locator("form.ballot-items")).to_have_count(0)

        # 李娜 enters 张敏's paper ballot; 张敏, the second member, confirms it against the paper.
        vote = votes.get(owners["李娜"], vote_id)
        committee.goto(f"/votes/{vote_id}/paper")
        committee.locator("#unit").fill("2-1-101")
        committee.locator("#serial").fill(votes.serial_for(vote, "2-1-101"))
        vote_on(committee.locator("form.paper-entry"), "反对", "李娜")
        committee.locator("#evidence").fill("纸质表决票，业主张敏签字，原件存档")
        submit(committee, "form.paper-entry button[type=submit]")
        expect(committee.locator("#recorded")).to_contain_text("另一位业委会委员")
        expect(committee.locator("button[name=confirm]")).to_have_count(0)
        shot(committee, "assembly-paper")
        zhang = phone_for(phones, second_member, f"/votes/{vote_id}/paper")
        submit(zhang, "button[name=confirm]")
        expect(zhang.locator(".flash")).to_have_text("已核对：计入表决。")

        committee.goto(f"/votes/{vote_id}")
        mine = committee.locator("form.ballot-items")  # 李娜 owns 1-1-201 and votes too
        vote_on(mine, "同意", "李娜")
        confirm_submit(committee, mine.locator("button[type=submit]"))
        expect(committee.locator("[data-turnout=persons]")).to_have_text("4")
        committee.locator("#close-reason").fill("已达到参与人数，业委会会议决定提前结束")
        submit(committee, "button[name=close]")
        expect(committee.locator("#vote")).to_contain_text("初步结果")
        elected = committee.locator("#vote .item-election .result-table tbody tr", has_text="当选")
        expect(elected).to_have_count(1)
        expect(elected).to_contain_text("李娜")
        closed_at = utcnow()

        wang.goto(f"/votes/{vote_id}")
        wang.locator("#objection-text").fill("2-1-101 的纸质票签字需要核实")
        submit(wang, "#objections button[type=submit]")
        expect(wang.locator(".flash")).to_contain_text("异议已登记")
        shot(wang, "assembly-objection")

        committee.goto(f"/votes/{vote_id}")
        submit(committee, "button[name=finalize]")
        expect(committee.locator(".flash-error")).to_contain_text("异议期至")

    with frozen(closed_at + timedelta(days=7, minutes=5)):
        committee.goto(f"/votes/{vote_id}")
        committee.locator("#objections textarea").first.fill("已与业主张敏当面核对签字，无误。")
        submit(committee, "#objections li form button[type=submit]")
        expect(committee.locator("#objections .answer")).to_contain_text("无误")
        submit(committee, "button[name=finalize]")
        expect(committee.locator("#vote .badge").first).to_have_text("结果已确定")
        shot(committee, "assembly-final")
        pdf = committee.request.get(f"/votes/{vote_id}/result.pdf")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    db.session.expire_all()  # the pages wrote through the server's own sessions
    final = db.session.get(Vote, vote_id)
    assert final.status == "final" and final.persons_participating == 4
