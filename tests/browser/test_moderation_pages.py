"""Moderation in Chromium at phone sizes: an owner reports a post, staff hide it and mute its author from the
review queue, the author reads why and until when and appeals, staff lift the mute, and the committee finds
every step in its oversight and audit pages, with the audit chain intact. Then every moderation page at
360 px, in both languages, without sideways scrolling."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.boards import services as boards
from community.extensions import db
from community.moderation import services as moderation
from community.moderation.models import Sanction
from tests.browser.test_confirm_sheets import confirm_submit
from tests.browser.test_foundation_pages import assert_clear_of_bottom_nav, assert_fits, login, path_of
from tests.fixtures.people import PASSWORD, set_policy

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
RUDE = "你这种人就不配住在这个小区，赶紧滚出去"


@pytest.fixture
def quiet(app):
    set_policy(post_interval_s=0, chat_interval_s=0)


def local(at) -> str:
    """A stored UTC time as the pages show it: the estate's time zone, Asia/Shanghai."""
    return (at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_report_hide_mute_appeal_lift_and_oversight(phones, live_server, quiet, owner, resident, staff,
                                                     committee_member):
    thread = boards.start_thread(owner, "neighbours", "晚上十点后装修噪音", "有没有邻居知道是哪一户在装修？")
    post = boards.reply(resident, thread.id, RUDE)
    target = f"post:{post.id}"

    # An owner reports the post from the thread page.
    reporter = phones.open()
    login(reporter, owner.phone, then=f"/threads/{thread.id}")
    submit(reporter, reporter.locator(f"#post-{post.id} a.act-report"))
    assert path_of(reporter) == "/report"
    reporter.locator("input[name=reason][value=abuse]").check()
    reporter.locator("#note").fill("人身攻击")
    submit(reporter, reporter.locator("form button[type=submit]"))
    assert path_of(reporter) == f"/threads/{thread.id}"
    expect(reporter.locator(".flash")).to_be_visible()

    # Staff open the queue from the bottom navigation, claim the item, hide the post and mute its author.
    desk = phones.open()
    login(desk, staff.phone)
    submit(desk, desk.locator("nav.bottomnav a[href='/staff/moderation']"))
    item = desk.locator(f"article.queue-item[data-target='{target}']")
    expect(item).to_contain_text(RUDE)
    expect(item).to_contain_text("人身攻击")
    expect(item.locator(".cited")).to_contain_text("不得辱骂")
    expect(item.locator(".suggestion")).to_be_visible()
    submit(desk, item.locator("form[action='/staff/moderation/claim'] button"))
    expect(item.locator(".claimed")).to_be_visible()
    item.locator("select[name=action]").select_option("hide")
    item.locator("select[name=sanction]").select_option("mute")
    item.locator("select[name=clause]").select_option("2.2")
    item.locator("input[name=hours]").fill("72")
    confirm_submit(desk, item.locator("form.decision button[type=submit]"))
    expect(item.locator(".error"), "a reason is required").to_be_visible()
    item.locator("textarea[name=reason]").fill("对邻居进行人身攻击")
    confirm_submit(desk, item.locator("form.decision button[type=submit]"))
    expect(desk.locator(".flash")).to_be_visible()
    expect(item).to_have_count(0)
    assert_fits(desk, 390)
    mute = db.session.scalar(select(Sanction).where(Sanction.user_id == resident.id))
    assert mute.kind == "mute" and mute.reason == "对邻居进行人身攻击"
    until = local(mute.ends_at)

    # The author is told, reads why and until when, cannot reply, and appeals.
    author = phones.open()
    login(author, resident.phone)
    expect(author.locator("nav.bottomnav .nav-count")).to_be_visible()
    submit(author, author.locator("main a[href='/standing']"))
    expect(author.locator("#muted")).to_contain_text(until)
    card = author.locator(f"article.sanction[data-id='{mute.id}']")
    expect(card.locator(".reason")).to_have_text("对邻居进行人身攻击")
    expect(card.locator(".clause")).to_contain_text("不得辱骂、人身攻击")
    expect(card.locator(".until")).to_have_text(until)
    assert_fits(author, 390)
    author.goto("/notifications")
    expect(author.locator("li[data-kind=sanction] a[href='/standing']")).to_be_visible()
    author.goto(f"/threads/{thread.id}")
    author.locator("#body").fill("我说错了吗？")
    submit(author, author.locator("button[name=publish]"))
    refusal = author.locator("#reply .error")
    expect(refusal).to_contain_text(until)
    expect(refusal.locator("a[href='/standing']")).to_be_visible()
    author.goto("/standing")
    submit(author, card.locator("a[href^='/appeal']"))
    assert path_of(author) == f"/appeal/{mute.id}" and resident.phone not in author.url
    expect(author.locator("#appealed-sanction .reason")).to_have_text("对邻居进行人身攻击")
    author.locator("#text").fill("我只是情绪激动，已经向邻居道歉了。")
    submit(author, author.locator("#appeal form button[type=submit]"))
    assert path_of(author) == "/standing"
    expect(card.locator(".appeal-outcome")).to_have_attribute("data-status", "open")

    # Staff lift the mute on appeal.
    desk.goto("/staff/appeals")
    appeal = desk.locator("article.appeal").filter(has_text="已经向邻居道歉了")
    expect(appeal).to_contain_text("对邻居进行人身攻击")
    appeal.locator("input[name=outcome][value=lifted]").check()
    appeal.locator("textarea[name=reason]").fill("已道歉，解除禁言")
    assert "不能再就此处罚申诉" in confirm_submit(desk, appeal.locator("button[type=submit]"))
    expect(desk.locator(".flash")).to_be_visible()
    expect(desk.locator("article.appeal")).to_have_count(0)

    author.reload()
    expect(author.locator("#muted")).to_have_count(0)
    expect(card.locator(".appeal-outcome")).to_contain_text("已道歉，解除禁言")
    author.goto(f"/threads/{thread.id}")
    author.locator("#body").fill("抱歉，之前是我不对。")
    submit(author, author.locator("button[name=publish]"))
    expect(author.locator(".reply").filter(has_text="抱歉，之前是我不对。")).to_be_visible()

    # The committee sees every step.
    committee = phones.open()
    login(committee, committee_member.phone)
    submit(committee, committee.locator("main a[href='/committee/moderation']").filter(has_text="管理监督"))
    log = committee.locator("li.log-entry")
    expect(log).to_have_count(3)
    assert [e.get_attribute("data-action") for e in log.all()] == ["lift", "hide", "mute"]  # newest first
    expect(committee.locator(f"li.log-entry[data-action=hide][data-target='{target}'] .snapshot")).to_contain_text(RUDE)
    expect(committee.locator(f"li.log-entry[data-action=mute][data-target='{target}']")).to_contain_text(
        "对邻居进行人身攻击")
    expect(committee.locator(f"li.log-entry[data-action=lift][data-target='sanction:{mute.id}']")).to_contain_text(
        "已道歉，解除禁言")
    assert_fits(committee, 390)
    submit(committee, committee.locator("nav.tabs a[href$='tab=hidden']"))
    expect(committee.locator(f"li.hidden-item[data-target='{target}']")).to_contain_text(staff.display_name)
    submit(committee, committee.locator("nav.tabs a[href$='tab=appeals']"))
    decided = committee.locator("li.appeal[data-status=lifted]")
    expect(decided).to_contain_text("已经向邻居道歉了")
    expect(decided).to_contain_text("已道歉，解除禁言")
    committee.goto("/committee/audit?verify=1")
    expect(committee.locator("#chain-ok")).to_be_visible()
    recorded = [e.get_attribute("data-action") for e in committee.locator("ol.audit li[data-action]").all()]
    for action in ("moderation.hide", "moderation.mute", "moderation.lift", "appeal.decided"):
        assert action in recorded, recorded


# ---- every page at 360 px -------------------------------------------------------------------------

LONG = "楼上" * 40 + " https://example.invalid/" + "x" * 80


@pytest.fixture
def busy(quiet, owner, resident, vendor, staff, admin, committee_member):
    """A queue, appeals, a log, hidden content, notes and figures, with long text where text can be long."""
    set_policy(auto_hide_reports=2)
    thread = boards.start_thread(owner, "neighbours", "关于地下车库" + "长标题" * 20, LONG)
    post = boards.reply(resident, thread.id, LONG)
    held = boards.reply(resident, thread.id, "需要的话加微信 " + LONG)
    for reporter in (owner, vendor, committee_member):
        moderation.report(reporter, f"post:{post.id}", "2.2", LONG[:300])
    moderation.report(vendor, f"thread:{thread.id}", "2.4")
    moderation.add_note(staff, resident.id, LONG)
    _record, muted = moderation.act(staff, {"action": "mute", "target": f"user:{resident.id}", "clause": "2.2",
                                            "reason": LONG, "hours": 72})
    moderation.appeal({"phone": resident.phone, "password": PASSWORD, "sanction_id": muted.id, "text": LONG})
    _record, warned = moderation.act(staff, {"action": "warn", "target": f"user:{vendor.id}", "clause": "2.3",
                                             "reason": "公开了邻居的电话"})
    decided = moderation.appeal({"phone": vendor.phone, "password": PASSWORD, "sanction_id": warned.id,
                                 "text": "那是我自己的电话"})
    moderation.decide_appeal(admin, decided.id, "lifted", "核实属实")
    moderation.act(staff, {"action": "hide", "target": f"thread:{thread.id}", "clause": "2.4", "reason": LONG})
    assert held.status == "held"
    return {"resident": resident}


TAP_TARGETS = ("main button, main select, main input:not([type=hidden]):not([type=radio]), main .button, "
               "main summary, nav.bottomnav a, nav.tabs a")
# Who reads which pages, and an element that shows each page has its content.
PAGES = {
    "staff": [("/staff/moderation", "article.queue-item form.decision"), ("/staff/appeals", "article.appeal form"),
              ("/staff/appeals?status=lifted", "article.appeal .outcome"), ("/", "#home")],
    "committee_member": [("/committee/moderation?tab=log", "li.log-entry"),
                         ("/committee/moderation?tab=hidden", "li.hidden-item"),
                         ("/committee/moderation?tab=registrations", "ul.links a"),
                         ("/committee/moderation?tab=appeals", "li.appeal"),
                         ("/committee/moderation?tab=notes&user=RESIDENT", "li.note"),
                         ("/committee/moderation?tab=figures", "table.figures")],
    "resident": [("/standing", "article.sanction"), ("/notifications", "li[data-kind=sanction]")],
    None: [("/appeal", "form #phone")],  # appeals start from the sanction, after logging in
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("who", list(PAGES), ids=[w or "visitor" for w in PAGES])
def test_no_sideways_scrolling_at_360(request, phones, live_server, busy, who, locale):
    page = phones.open(**NARROW, locale=locale)
    if who is not None:
        login(page, request.getfixturevalue(who).phone)
    for path, landmark in PAGES[who]:
        page.goto(path.replace("RESIDENT", str(busy["resident"].id)))
        expect(page.locator(landmark).first, path).to_be_visible()
        assert_fits(page, NARROW["width"])
        assert_clear_of_bottom_nav(page)
        small = page.evaluate("""selector => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null)
            .map(e => ({what: e.outerHTML.slice(0, 80), h: e.getBoundingClientRect().height}))
            .filter(t => t.h < 44)""", TAP_TARGETS)
        assert not small, (path, small)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_suspended_person_sees_the_facts_at_login(phones, live_server, quiet, staff, owner, locale):
    _record, suspension = moderation.act(staff, {"action": "suspend", "target": f"user:{owner.id}",
                                                 "clause": "2.2", "reason": LONG, "hours": 168})
    page = phones.open(**NARROW, locale=locale)
    page.goto("/login")
    page.locator("#phone").fill(owner.phone)
    page.locator("#password").fill(PASSWORD)
    submit(page, page.locator("form button[type=submit]"))
    refused = [e for e in phones.errors if "/login" in e and "status of 403" in e]
    assert len(refused) == 1, phones.errors  # the page answers 403, which Chromium logs
    phones.errors.remove(refused[0])
    barred = page.locator("#barred")
    expect(barred.locator(".until")).to_have_text(local(suspension.ends_at))
    expect(barred.locator(".clause")).to_contain_text("不得辱骂")
    expect(barred.locator(".reason")).to_have_text(LONG)
    assert_fits(page, NARROW["width"])
    submit(page, barred.locator("a[href^='/appeal']"))
    expect(page.locator("#appealed-sanction .reason")).to_have_text(LONG)
    assert_fits(page, NARROW["width"])
