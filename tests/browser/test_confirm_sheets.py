"""Confirmations in Chromium at 360 px: the confirm sheet before what cannot be undone (closing a vote early,
casting a ballot, blacklisting, rejecting a registration), the toast that is seen without scrolling after
reporting a post, registration showing every problem at once, and an appeal whose status the appellant sees."""

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.boards import services as boards
from community.extensions import db
from community.moderation import services as moderation
from community.moderation.models import Appeal, Sanction
from community.votes import services as votes
from tests import test_votes
from tests.browser.test_foundation_pages import assert_fits, login, path_of
from tests.fixtures.people import PASSWORD, id_number, set_policy
from tests.fixtures.votes import no_notice  # noqa: F401
from tests.test_votes import later

owners = test_votes.owners

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 780}
SHOTS = os.environ.get("CONFIRM_SCREENSHOTS")  # a folder to keep screenshots in, for looking at them


def shot(page, name: str) -> None:
    assert_fits(page, NARROW["width"])
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


def needs_sheet(button) -> bool:
    """Whether the form of ``button`` asks through the confirm sheet (as confirm.js decides)."""
    return button.evaluate("""b => { const f = b.form; if (!f || !f.dataset.confirm) return false;
        const gate = f.dataset.confirmIf; return !gate || !!(f.elements[gate] && f.elements[gate].value); }""")


def confirm_submit(page, button):
    """Press a submit button; when the confirm sheet opens, accept it. Answers the sheet's text (or None)."""
    text, asks = None, needs_sheet(button)  # asked before the click: after it the page may have moved on
    with page.expect_navigation():
        button.click()
        if asks:
            sheet = page.locator("#confirm-sheet")
            expect(sheet).to_be_visible()
            text = sheet.inner_text()
            sheet.locator("[data-sheet-ok]").click()
    return text


def in_view(page, locator) -> None:
    """Seen without scrolling: inside the viewport and below the sticky header."""
    box = locator.bounding_box()
    header = page.locator("header.topbar").bounding_box()
    assert box is not None and box["y"] >= header["y"] + header["height"] - 1, box
    assert box["y"] + box["height"] <= page.viewport_size["height"], box


@pytest.fixture
def quiet(app):
    set_policy(post_interval_s=0, chat_interval_s=0)


@pytest.mark.usefixtures("no_notice")
def test_closing_a_vote_early_says_the_turnout_and_needs_a_reason(phones, owners):
    member = owners["李娜"]
    vote = votes.create(member, {"title": "更换电梯", "body": "是否更换二号楼电梯？", "matter": 6, "closes_at": later()})
    vote_id = votes.open_vote(member, vote.id).id
    votes.cast(owners["王伟"], vote_id, "yes")
    page = phones.open(**NARROW)
    login(page, member.phone, then=f"/votes/{vote_id}")
    close = page.locator("button[name=close]")
    close.click()  # no reason: the browser holds the form, and no sheet opens
    expect(page.locator("#confirm-sheet")).to_be_hidden()
    assert page.locator("#close-reason").evaluate("t => t.validity.valueMissing")
    page.locator("#close-reason").fill("业委会会议决定提前结束")
    close.click()
    sheet = page.locator("#confirm-sheet")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("提前")
    expect(sheet).to_contain_text("1 / 5 位业主")
    shot(page, "close-early-sheet")
    sheet.locator("[data-sheet-cancel]").click()  # going back changes nothing
    expect(sheet).to_be_hidden()
    assert votes.get(member, vote_id).status == "open"
    text = confirm_submit(page, close)
    assert "天结束表决" in text
    toast = page.locator("#toasts .flash")
    expect(toast).to_contain_text("投票已结束")
    in_view(page, toast)
    db.session.expire_all()
    assert votes.get(member, vote_id).status == "closed"


@pytest.mark.usefixtures("no_notice")
def test_casting_a_ballot_repeats_the_choice_and_the_receipt_records_it(phones, owners):
    member = owners["李娜"]
    vote = votes.create(member, {"title": "增设充电桩", "body": "是否增设？", "matter": 9, "closes_at": later(),
                                 "secret": True})
    vote_id = votes.open_vote(member, vote.id).id
    page = phones.open(**NARROW)
    login(page, owners["王伟"].phone, then=f"/votes/{vote_id}")
    page.locator("label.choice", has_text="同意").click()
    text = confirm_submit(page, page.locator("form.ballot button[type=submit]"))
    assert "你选择了：同意 — 提交后不能更改" in text
    expect(page.locator("#receipt-choices")).to_have_text("同意")
    in_view(page, page.locator("#receipt h2"))
    shot(page, "ballot-receipt")
    page.reload()
    expect(page.locator("#receipt")).to_have_count(0)


def test_blacklisting_shows_the_suggested_step(phones, live_server, quiet, owner, resident, staff):
    thread = boards.start_thread(owner, "neighbours", "停车位", "谁占了我的车位？")
    post = boards.reply(resident, thread.id, "你这种人就不配住在这个小区")
    moderation.report(owner, f"post:{post.id}", "2.2", "人身攻击")
    page = phones.open(**NARROW)
    login(page, staff.phone, then="/staff/moderation")
    item = page.locator(f"article.queue-item[data-target='post:{post.id}']")
    item.locator("select[name=sanction]").select_option("blacklist")
    item.locator("select[name=clause]").select_option("2.2")
    item.locator("textarea[name=reason]").fill("多次人身攻击")
    suggested = item.locator("select[name=sanction] option[value=warn]").inner_text().strip()
    chosen = item.locator("select[name=sanction] option[value=blacklist]").inner_text().strip()
    item.locator("form.decision button[type=submit]").click()
    warning = page.locator("#confirm-sheet [data-sheet-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(suggested)
    expect(warning).to_contain_text(chosen)
    shot(page, "blacklist-sheet")
    page.locator("#confirm-sheet [data-sheet-cancel]").click()
    db.session.expire_all()
    assert db.session.scalar(select(Sanction).where(Sanction.user_id == resident.id)) is None
    item.locator("select[name=sanction]").select_option("warn")  # the suggested step: no warning
    item.locator("form.decision button[type=submit]").click()
    expect(page.locator("#confirm-sheet")).to_be_visible()
    expect(warning).to_be_hidden()


def test_rejecting_a_registration_is_confirmed(phones, live_server, staff, pending):
    page = phones.open(**NARROW)
    login(page, staff.phone, then="/staff/registrations")
    card = page.locator(f"[data-id='{pending.id}']")
    card.locator("textarea[name=reason]").fill("房号与名册不符")
    text = confirm_submit(page, card.locator("form.reject button[type=submit]"))
    assert "张敏" in text
    in_view(page, page.locator("#toasts .flash"))
    db.session.refresh(pending)
    assert pending.status == "rejected"


def test_the_toast_after_reporting_a_post_is_seen_without_scrolling(phones, live_server, quiet, owner, resident):
    thread = boards.start_thread(owner, "neighbours", "晚上装修噪音", "有没有邻居知道是哪一户在装修？")
    for n in range(12):
        boards.reply(owner if n % 2 else resident, thread.id, f"第 {n} 条回复：" + "楼上每天都很吵。" * 6)
    post = boards.reply(resident, thread.id, "你这种人就不配住在这个小区")
    page = phones.open(**NARROW)
    login(page, owner.phone, then=f"/threads/{thread.id}")
    with page.expect_navigation():
        page.locator(f"#post-{post.id} a.act-report").click()
    page.locator("input[name=reason][value=abuse]").check()
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert path_of(page) == f"/threads/{thread.id}"
    toast = page.locator("#toasts .flash")
    expect(toast).to_be_visible()
    in_view(page, toast)
    shot(page, "report-toast")
    page.locator("#toasts .toast-close").click()
    expect(page.locator("#toasts .toast")).to_have_count(0)


def test_registration_shows_every_problem_at_once(phones, live_server, roster, staff):
    page = phones.open(**NARROW)
    page.goto("/register")
    page.locator("#real_name").fill("孙九")
    page.locator("#phone").fill("12345")
    page.locator("#password").fill(PASSWORD)
    page.locator("#id_number").fill("110101199001011234")
    page.locator("#relation").select_option("owner")
    page.locator("#accept_rules").check()
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    for name in ("phone", "id_number", "unit"):
        expect(page.locator(f".field.has-error #{name}")).to_be_visible()
    expect(page.locator("#register-problems")).to_contain_text("3")
    expect(page.locator("#real_name")).to_have_value("孙九")
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator(".field", has=page.locator("#password")).locator(".hint")).to_contain_text("重新输入密码")
    shot(page, "register-errors")
    page.locator("#phone").fill("13512345678")
    page.locator("#password").fill(PASSWORD)
    page.locator("#id_number").fill(id_number(321))
    page.locator("#unit").fill("2-1-102")
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert path_of(page) == "/status"
    expect(page.locator("#review-wait")).to_be_visible()
    expect(page.locator("#desk-contact")).to_be_visible()
    text = confirm_submit(page, page.locator("#withdraw button"))
    assert "撤回" in text
    expect(page.locator("[data-status=withdrawn]")).to_be_visible()


def test_an_appeal_from_the_restricted_page_shows_its_status(phones, live_server, quiet, staff, owner):
    _record, suspension = moderation.act(staff, {"action": "suspend", "target": f"user:{owner.id}",
                                                 "clause": "2.2", "reason": "多次辱骂邻居", "hours": 72})
    page = phones.open(**NARROW)
    page.goto("/login")
    page.locator("#phone").fill(owner.phone)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    refused = [e for e in phones.errors if "status of 403" in e]
    assert refused, phones.errors  # the page answers 403, which Chromium logs
    for error in refused:
        phones.errors.remove(error)
    with page.expect_navigation():
        page.locator("#barred a[href^='/appeal/']").click()
    assert path_of(page) == f"/appeal/{suspension.id}" and owner.phone not in page.url
    expect(page.locator("#appealed-sanction .reason")).to_have_text("多次辱骂邻居")
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.locator("#text").fill("我已经向邻居道歉，请求提前解除。")
    with page.expect_navigation():
        page.locator("#appeal form button[type=submit]").click()
    for error in [e for e in phones.errors if "status of 403" in e]:
        phones.errors.remove(error)
    assert path_of(page) == "/barred"
    expect(page.locator("#toasts .flash")).to_contain_text("申诉已收到")
    status = page.locator("#barred .appeal-outcome")
    expect(status).to_have_attribute("data-status", "open")
    expect(status.locator(".received")).to_be_visible()
    assert_fits(page, NARROW["width"])
    appeal = db.session.scalar(select(Appeal).where(Appeal.sanction_id == suspension.id))
    moderation.decide_appeal(staff, appeal.id, "upheld", "证据充分，维持停用")
    page.reload()
    for error in [e for e in phones.errors if "status of 403" in e]:
        phones.errors.remove(error)
    expect(status).to_have_attribute("data-status", "upheld")
    expect(status.locator(".decision-reason")).to_have_text("证据充分，维持停用")
    shot(page, "barred-appeal-decided")


def test_the_toast_after_rating_a_repair_is_seen_without_scrolling(phones, live_server, owner, staff):
    from community.desk import tickets
    repair = tickets.file_ticket(owner, "repair", {"category": "plumbing", "unit": "1-1-101",
                                                   "description": "厨房水管漏水，请尽快处理。" * 3})
    tickets.accept(staff, "repair", repair.id, {"department": "engineering", "worker": "李师傅"})
    tickets.start(staff, "repair", repair.id, {})
    tickets.finish(staff, "repair", repair.id, {"note": "已更换水管接头。"})
    page = phones.open(**NARROW)
    login(page, owner.phone, then=f"/desk/repairs/{repair.id}")
    page.locator("#return-visit input[value='5']").check()
    page.locator("#confirm-comment").fill("修得很好，谢谢师傅。")
    with page.expect_navigation():
        page.locator("#return-visit button[type=submit]").click()
    expect(page.locator("#ticket")).to_have_attribute("data-status", "confirmed")
    toast = page.locator("#toasts .flash")
    expect(toast).to_be_visible()
    in_view(page, toast)
