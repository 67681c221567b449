"""The front desk in Chromium at phone sizes: an owner files a repair with a photo, staff carry it to done, the
owner sends it back as not fixed, staff finish it, the owner rates it at the return visit and the dashboard
figures change; a notice is acknowledged and the units not reached shrink; a survey is answered and charted;
and every desk page fits 360 px in Chinese and English."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from community.desk import notices as desk_notices
from community.desk import surveys as desk_surveys
from community.desk import tickets as desk_tickets
from tests.browser.test_foundation_pages import assert_clear_of_bottom_nav, assert_fits, login, path_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}


@pytest.fixture
def make_app(make_app, tmp_path):
    """Both apps (the one the test writes with and the one the browser talks to) keep images in a temp folder."""
    def make(**overrides):
        return make_app(MEDIA_DIR=str(tmp_path / "media"), **overrides)
    return make


def png_file(tmp_path, size=(640, 480)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "PNG")
    path = tmp_path / "leak.png"
    path.write_bytes(out.getvalue())
    return str(path)


def image_loaded(locator) -> bool:
    locator.scroll_into_view_if_needed()
    return locator.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")


def test_repair_with_photo_to_the_return_visit_and_the_figures(phones, live_server, owner, staff, tmp_path):
    office = phones.open(**PHONE)
    login(office, staff.phone, then="/desk/figures")
    satisfaction = office.locator(".figure.satisfaction")
    expect(satisfaction).to_have_attribute("data-rate", "")
    expect(office.locator("#filed-count")).to_contain_text("0")

    home = phones.open(**PHONE)
    login(home, owner.phone)
    with home.expect_navigation():
        home.locator("#home-desk").click()
    assert path_of(home) == "/desk/"
    with home.expect_navigation():
        home.locator("a[href='/desk/repairs/new']").first.click()
    home.locator("#category").select_option("plumbing")
    home.locator("#unit").select_option("1-1-101")
    home.locator("#description").fill("卫生间天花板渗水，楼上可能漏水。")
    home.locator("#images").set_input_files(png_file(tmp_path))
    with home.expect_navigation():
        home.locator("#ticket-form button[type=submit]").click()
    assert re.fullmatch(r"/desk/repairs/\d+", path_of(home)), home.url
    ticket_path = path_of(home)
    expect(home.locator("#ticket")).to_have_attribute("data-status", "submitted")
    assert image_loaded(home.locator(".photos img").first)
    assert_fits(home, PHONE["width"])

    office.goto("/desk/repairs")
    card = office.locator(f".ticket-card[data-id='{ticket_path.rsplit('/', 1)[1]}']")
    expect(card).to_be_visible()
    with office.expect_navigation():
        card.locator("a").click()
    assert image_loaded(office.locator(".photos img").first), "staff see the photo"
    expect(office.locator(".filer")).to_contain_text("王伟")
    office.locator("#accept-department").select_option("engineering")
    office.locator("#accept-worker").fill("李师傅")
    with office.expect_navigation():
        office.locator("#triage button[type=submit]").click()
    expect(office.locator("#ticket")).to_have_attribute("data-status", "accepted")
    with office.expect_navigation():
        office.locator("#progress button[value=start]").click()
    expect(office.locator("#ticket")).to_have_attribute("data-status", "in_progress")
    office.locator("#note-note").fill("已修复楼上防水层。")
    with office.expect_navigation():
        office.locator("#progress button[value=done]").click()
    expect(office.locator("#ticket")).to_have_attribute("data-status", "done")
    assert_fits(office, PHONE["width"])

    home.goto(ticket_path)
    expect(home.locator(".timeline li")).to_have_count(4)
    expect(home.locator(".timeline")).to_contain_text("李师傅")
    expect(home.locator(".timeline")).to_contain_text("已修复楼上防水层")
    home.locator("#reopen-reason").fill("下雨后天花板又湿了。")
    with home.expect_navigation():
        home.locator("#not-fixed button[type=submit]").click()
    expect(home.locator("#ticket")).to_have_attribute("data-status", "in_progress")
    expect(home.locator("#reopened")).to_be_visible()
    assert_fits(home, PHONE["width"])

    office.goto(ticket_path)
    expect(office.locator(".timeline li[data-action=reopened]")).to_contain_text("下雨后天花板又湿了")
    office.locator("#note-note").fill("重做了外墙防水。")
    with office.expect_navigation():
        office.locator("#progress button[value=done]").click()
    expect(office.locator("#ticket")).to_have_attribute("data-status", "done")

    home.goto(ticket_path)
    home.locator("#return-visit input[value='5']").check()
    home.locator("#confirm-comment").fill("修得很好，谢谢师傅。")
    with home.expect_navigation():
        home.locator("#return-visit button[type=submit]").click()
    expect(home.locator("#ticket")).to_have_attribute("data-status", "confirmed")
    expect(home.locator(".rating")).to_have_attribute("data-rating", "5")
    expect(home.locator(".timeline li")).to_have_count(7)

    office.goto("/desk/figures")
    expect(satisfaction).to_have_attribute("data-rate", "100.0")
    expect(office.locator(".figure.timeliness")).to_have_attribute("data-rate", "100.0")
    expect(office.locator("#filed-count")).to_contain_text("1")
    bar = satisfaction.locator(".bar")
    fill = bar.locator(".fill")
    assert abs(fill.bounding_box()["width"] - bar.bounding_box()["width"]) < 1, "a full bar for 100%"
    assert_fits(office, PHONE["width"])


def test_a_notice_is_acknowledged_and_the_unreached_list_shrinks(phones, live_server, owner, staff,
                                                                committee_member):
    office = phones.open(**PHONE)
    login(office, staff.phone, then="/desk/notices/new")
    office.locator("#title").fill("1号楼消防通道清理通知")
    office.locator("#category").select_option("fire_safety")
    office.locator("#body").fill("请于本周五前清理楼道杂物，**逾期将统一清运**。")
    office.locator("input[name=buildings][value='1']").check()
    office.locator("#must_acknowledge").check()
    with office.expect_navigation():
        office.locator("form button[type=submit]").click()
    notice_path = path_of(office)
    unreached = office.locator("#receipts .unreached li")
    expect(unreached).to_have_count(3)

    home = phones.open(**PHONE)
    login(home, owner.phone, then="/desk/notices")
    with home.expect_navigation():
        home.locator(".notice-card a", has_text="消防通道").click()
    expect(home.locator(".post-body strong")).to_have_text("逾期将统一清运")
    with home.expect_navigation():
        home.locator("#acknowledge button").click()
    expect(home.locator("#acknowledged")).to_be_visible()

    office.goto(notice_path)
    expect(unreached).to_have_count(1)
    expect(unreached.first).to_have_attribute("data-unit", "1-1-201")
    expect(office.locator(".building-receipts[data-building='1']")).to_contain_text("2/3")


def test_a_survey_is_answered_and_charted(phones, live_server, owner, resident, committee_member):
    found = desk_surveys.create_survey(committee_member, {"title": "小区停车管理意见征集", "per": "user", "questions": [
        {"kind": "single", "text": "是否支持划线停车？", "options": ["支持", "反对"]},
        {"kind": "rating", "text": "对目前停车秩序打分"}]})
    for who in (owner, resident):
        page = phones.open(**PHONE)
        login(page, who.phone, then=f"/desk/surveys/{found.id}")
        page.locator("fieldset.choices").nth(0).locator("input[value='0']").check()
        page.locator("fieldset.choices").nth(1).locator("input[value='4']").check()
        with page.expect_navigation():
            page.locator("#answer-form button[type=submit]").click()
        expect(page.locator("#answered")).to_be_visible()

    chart = phones.open(**NARROW)
    login(chart, committee_member.phone, then=f"/desk/surveys/{found.id}")
    support = chart.locator("#results li[data-option='0']")
    expect(support).to_have_attribute("data-count", "2")
    bar = support.locator(".bar")
    assert abs(bar.locator(".fill").bounding_box()["width"] - bar.bounding_box()["width"]) < 1
    assert chart.locator("#results li[data-option='1'] .fill").bounding_box()["width"] == 0
    expect(chart.locator(".average")).to_have_attribute("data-average", "4.0")
    assert_fits(chart, NARROW["width"])


LONG = "地下车库B2层东侧消防通道旁的排水沟盖板松动并且有持续异响，请尽快安排维修人员处理" * 2


@pytest.fixture
def busy_desk(app, owner, resident, staff, committee_member):
    """Something on every desk page, with long text that could push a phone layout sideways."""
    notice = desk_notices.post_notice(staff, {"title": "关于" + "小区" * 30 + "的通知", "body": LONG + "\n\nhttps://example.com/"
                                      + "a" * 120, "category": "outage", "must_acknowledge": True})
    repair = desk_tickets.file_ticket(owner, "repair", {"category": "common_facilities", "common_area": LONG[:120],
                                                "description": LONG})
    desk_tickets.accept(staff, "repair", repair.id, {"department": "engineering", "worker": "维" * 60})
    done = desk_tickets.file_ticket(owner, "repair", {"category": "lift", "common_area": "1号楼电梯", "description": LONG})
    for step, data in ((desk_tickets.accept, {"department": "engineering", "worker": "电梯维保王工"}), (desk_tickets.start, {}),
                       (desk_tickets.finish, {"note": LONG})):
        step(staff, "repair", done.id, data)
    complaint = desk_tickets.file_ticket(owner, "complaint", {"description": "Noise" * 80, "public": True})
    survey = desk_surveys.create_survey(staff, {"title": "满意度" * 30, "per": "user", "questions": [
        {"kind": "multiple", "text": LONG[:200], "options": [LONG[:100], "是", "否"]},
        {"kind": "text", "text": "建议", "required": False}]})
    desk_surveys.answer(owner, survey.id, {"answers": {str(survey.questions[0].id): [0, 1],
                                               str(survey.questions[1].id): "x" * 300}})
    return {"notice": notice.id, "repair": repair.id, "done": done.id, "complaint": complaint.id,
            "survey": survey.id}


PAGES = [
    ("/desk/", "#desk-hub"), ("/desk/notices", ".notice-card"), ("/desk/notices/{notice}", "#notice"),
    ("/desk/repairs", ".ticket-card"), ("/desk/repairs/{repair}", "#timeline"), ("/desk/repairs/new", "#ticket-form"),
    ("/desk/repairs/{done}", "#not-fixed"),
    ("/desk/complaints?scope=public", ".ticket-card"), ("/desk/complaints/{complaint}", "#timeline"),
    ("/desk/surveys", ".survey-card"), ("/desk/surveys/{survey}", "#survey"),
]
STAFF_PAGES = [
    ("/desk/notices/new", "form #title"), ("/desk/notices/{notice}", "#receipts"),
    ("/desk/repairs?scope=all&overdue=1", "#ticket-filters"), ("/desk/repairs/{repair}", "#progress"),
    ("/desk/surveys/new", "#survey-form"), ("/desk/surveys/{survey}", "#results"), ("/desk/figures", "#monthly"),
]


@pytest.mark.parametrize("locale,lang", [("zh-CN", "zh"), ("en-US", "en")])
def test_desk_pages_fit_360_in_both_languages(phones, live_server, owner, staff, busy_desk, locale, lang):
    for who, pages in ((owner, PAGES), (staff, STAFF_PAGES)):
        page = phones.open(**NARROW, locale=locale)
        login(page, who.phone)
        for path, landmark in pages:
            url = path.format(**busy_desk)
            page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if lang == "zh" else "en")
            expect(page.locator(landmark).first).to_be_visible()
            assert_fits(page, NARROW["width"])
            assert_clear_of_bottom_nav(page)
