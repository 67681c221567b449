"""The first pages people use, driven in Chromium at phone sizes: registering, approval and rejection by
staff, logging in, no sideways scrolling at 360 px, and the interface language."""

from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests.fixtures.people import PASSWORD, id_number

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}


def path_of(page) -> str:
    return urlsplit(page.url).path


def login(page, phone: str, password: str = PASSWORD, then: str | None = None) -> None:
    """Log in through the real form (asking to go on to `then`) and wait for the page it leads to."""
    page.goto("/login" if then is None else f"/login?next={quote(then)}")
    page.locator("#phone").fill(phone)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert path_of(page) != "/login", page.locator(".error").all_inner_texts()


def log_out(page) -> None:
    with page.expect_navigation():
        page.locator("form[action='/logout'] button").click()
    assert path_of(page) == "/login"


def pending_entry(page, name: str):
    return page.locator("article.registration", has_text=name)


def horizontal_overflow(page) -> dict:
    return page.evaluate("""() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        innerWidth: window.innerWidth,
        wide: [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
                                  (e.className ? "." + String(e.className).replace(/ /g, ".") : "")),
    })""")


def assert_fits(page, width: int) -> None:
    # With a mobile viewport Chromium zooms out to show wide content, and innerWidth grows with it (a 500 px
    # element at 360 px gives innerWidth 512), so `scrollWidth <= innerWidth` alone always holds. The layout
    # viewport (clientWidth) keeps the device width.
    sizes = horizontal_overflow(page)
    assert sizes["clientWidth"] == width, sizes
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes


def assert_clear_of_bottom_nav(page) -> None:
    """Scrolled to the end, the last of the page sits above the fixed bottom navigation, not under it."""
    nav = page.locator("nav.bottomnav")
    if not nav.count():
        return
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.locator("main > *").last.bounding_box()
    assert last["y"] + last["height"] <= nav.bounding_box()["y"], (last, nav.bounding_box())


def test_register_approve_and_log_in(phone, phones, live_server, roster, staff):
    person = phone
    person.goto("/register")
    person.locator("#real_name").fill("赵六")
    person.locator("#phone").fill("13712345678")
    person.locator("#password").fill(PASSWORD)
    person.locator("#id_number").fill(id_number(777))
    person.locator("#relation").select_option("tenant")
    expect(person.locator("#organization"), "app.js hides it for everyone but vendors").to_be_hidden()
    person.locator("#unit").fill("2-1-102")
    person.locator("#display_name").fill("二栋小赵")
    person.locator("#accept_rules").check()
    with person.expect_navigation():
        person.locator("form button[type=submit]").click()

    assert path_of(person) == "/status"
    expect(person.locator("[data-status=pending]")).to_be_visible()
    expect(person.locator(".facts dd").first).to_have_text("2-1-102")
    log_out(person)

    desk = phones.open()
    login(desk, staff.phone)
    expect(desk.locator("#home")).to_be_visible()
    desk.goto("/staff/registrations")
    entry = pending_entry(desk, "赵六")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("13712345678")
    expect(entry).to_contain_text("2-1-102")
    with desk.expect_navigation():
        entry.locator("form[action$='/approve'] button").click()
    expect(desk.locator(".flash")).to_be_visible()
    expect(pending_entry(desk, "赵六")).to_have_count(0)
    desk.goto("/staff/registrations?status=approved")
    expect(pending_entry(desk, "赵六")).to_be_visible()

    login(person, "13712345678")
    assert path_of(person) == "/"
    home = person.locator("#home")
    expect(home).to_be_visible()
    expect(home.locator("h1")).to_contain_text("二栋小赵")
    expect(home).to_contain_text("2-1-102")
    expect(person.locator("nav.bottomnav")).to_be_visible()


def test_rejection_reason_reaches_the_applicant(phones, live_server, make_user, staff):
    applicant = make_user(approve=False, real_name="孙八", unit="2-1-102", relation="tenant")
    reason = "租赁合同上的房号与所填单元不一致，请核对后重新申请。"

    desk = phones.open()
    login(desk, staff.phone, then="/staff/registrations")
    entry = pending_entry(desk, "孙八")
    entry.locator("textarea[name=reason]").fill(reason)
    with desk.expect_navigation():
        entry.locator("form.reject button[type=submit]").click()
        desk.locator("#confirm-sheet [data-sheet-ok]").click()  # a rejection is confirmed first
    expect(desk.locator(".flash")).to_be_visible()
    expect(pending_entry(desk, "孙八")).to_have_count(0)
    desk.goto("/staff/registrations?status=rejected")
    expect(pending_entry(desk, "孙八")).to_contain_text(reason)

    person = phones.open()
    login(person, applicant.phone)
    assert path_of(person) == "/status"
    expect(person.locator("[data-status=rejected]")).to_be_visible()
    expect(person.locator(".reason")).to_have_text(reason)
    expect(person.locator(f"a[href='/register?phone={applicant.phone}']")).to_be_visible()


def test_a_rejection_needs_a_reason(phones, live_server, make_user, staff):
    make_user(approve=False, real_name="孙八", unit="2-1-102", relation="tenant")
    desk = phones.open()
    login(desk, staff.phone, then="/staff/registrations")
    reason = desk.locator("textarea[name=reason]")
    posted = []
    # the live socket's polling posts are not the form
    desk.on("request", lambda r: posted.append(r.url) if r.method == "POST" and "/socket.io/" not in r.url else None)
    desk.locator("form.reject button[type=submit]").click()
    assert reason.evaluate("t => t.validity.valueMissing"), "the browser holds the empty form back"
    assert posted == []

    reason.evaluate("t => t.removeAttribute('required')")
    with desk.expect_navigation():
        desk.locator("form.reject button[type=submit]").click()
        desk.locator("#confirm-sheet [data-sheet-ok]").click()
    expect(desk.locator(".flash-error")).to_be_visible()
    expect(pending_entry(desk, "孙八")).to_be_visible()


@pytest.fixture
def applicants(make_user):
    """Pending registrations of every kind, with long values that could push a phone layout sideways."""
    return [
        make_user(approve=False, real_name="周杰", unit="2-1-102", relation="owner"),
        make_user(approve=False, real_name="欧阳娜娜", unit="1-1-201", relation="family"),
        make_user(approve=False, real_name="钱七", unit=None, relation="vendor",
                  organization="邻里便民家电维修与管道疏通服务有限责任公司第二分公司"),
    ]


PAGES = [
    ("/login", None, "form #phone"),
    ("/register", None, "form #id_number"),
    ("/status", "pending", "[data-status=pending]"),
    ("/", "owner", "#home"),
    ("/rules", "owner", "ol.clauses"),
    ("/staff/registrations", "staff", "article.registration"),
    ("/staff/roster", "staff", "table.table tbody tr"),
    ("/committee/audit", "committee_member", "ol.audit li"),
    ("/committee/audit", "admin", "ol.audit li"),
    ("/admin/people", "admin", "form #staff-phone"),
    ("/account/password", "owner", "form #new_password"),
]


@pytest.mark.parametrize("path,who,landmark", PAGES, ids=[f"{p}-as-{w or 'visitor'}" for p, w, _ in PAGES])
def test_no_sideways_scrolling_at_360(request, phones, live_server, roster, applicants, path, who, landmark):
    page = phones.open(**NARROW)
    if who is None:
        page.goto(path)
    else:
        login(page, request.getfixturevalue(who).phone, then=path)
    assert path_of(page) == path
    expect(page.locator(landmark).first).to_be_visible()
    assert_fits(page, NARROW["width"])
    assert_clear_of_bottom_nav(page)


def test_overflow_check_sees_a_wide_element(phones, live_server):
    page = phones.open(**NARROW)
    page.goto("/login")
    assert_fits(page, NARROW["width"])
    page.evaluate("""() => { const d = document.createElement("div"); d.style.width = "500px";
                             d.textContent = "x"; document.querySelector("main").append(d); }""")
    with pytest.raises(AssertionError):
        assert_fits(page, NARROW["width"])


def test_inline_script_is_refused_and_reported(phones, live_server):
    page = phones.open()
    page.goto("/login")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.injected = 1";
                             document.body.append(s); }""")
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in e for e in phones.errors), phones.errors
    phones.errors.clear()


def test_chinese_by_default_and_english_on_request(phone):
    page = phone
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("登录")
    expect(page.locator("form button[type=submit]")).to_have_text("登录")
    expect(page.locator("nav.lang a[hreflang=en]")).to_have_text("English")

    page.goto("/login?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("nav.lang a[hreflang=zh]")).to_have_text("中文")
    page.goto("/register")
    expect(page.locator("html"), "the choice is remembered").to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Register")
    with page.expect_navigation():
        page.locator("nav.lang a").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("注册")
