"""The sweep across the app as each role uses it, on the demo estate, at 360×780 in Chinese and 390×844 in
English: log in, open home and every page the tab bar and the home cards lead to, and check each one: no
sideways scrolling, every visible link and button at least 44×44 px, no machine timestamps (ISO ``T..:..`` or
``..Z``) in the text, no console errors (the fixture fails on those). A screenshot of each page is saved under
``tests/browser/artifacts/sweep/`` (git-ignored) for people to look at.

Exempt from the 44-px rule, and only these: nothing. A link inside running text is padded like any other."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from community import demo

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "sweep"
ROLES = {"owner": "13900000001", "committee": "13900000002", "staff": "13800000002", "admin": "13800000001"}
SIZES = {"zh": (360, 780, "zh-CN"), "en": (390, 844, "en-US")}
MACHINE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{2}:\d{2}(:\d{2})?(\.\d+)?Z\b")
SKIP = re.compile(r"\.(pdf|csv)$")

CHECK = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (e) => {
    const r = e.getBoundingClientRect();
    return `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} "${(e.innerText || e.value || "").trim().slice(0, 30)}"`
      + ` ${Math.round(r.width)}x${Math.round(r.height)}`;
  };
  const shown = (e) => {
    const r = e.getBoundingClientRect(), style = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && !e.closest("[hidden], .visually-hidden");
  };
  const targets = [...document.querySelectorAll("a[href], button, input[type=submit], input[type=button], summary")]
    .filter(shown);
  return {
    clientWidth: width, innerWidth: window.innerWidth, scrollWidth: document.scrollingElement.scrollWidth,
    wide: [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5).map(describe),
    small: targets.filter(e => { const r = e.getBoundingClientRect(); return r.width < 43.5 || r.height < 43.5; })
      .map(describe),
    text: document.body.innerText,
  };
}"""


def reachable(page) -> list[str]:
    """Same-site pages the tab bar and the home cards link to, in order, without documents."""
    hrefs = page.eval_on_selector_all("nav.bottomnav a[href], .home-card a[href]", "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc == urlsplit(page.url).netloc and not SKIP.search(parts.path) and path not in paths:
            paths.append(path)
    return paths


def check(page, name: str, problems: list[str]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    found = page.evaluate(CHECK)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    where = f"{name} ({page.url})"
    if found["clientWidth"] != page.viewport_size["width"] or found["scrollWidth"] > found["clientWidth"] \
            or found["scrollWidth"] > found["innerWidth"]:
        problems.append(f"{where}: sideways scroll {found['scrollWidth']} > {found['clientWidth']}: {found['wide']}")
    if found["small"]:
        problems.append(f"{where}: targets under 44 px: {found['small']}")
    stamp = MACHINE_TIME.search(found["text"])
    if stamp:
        problems.append(f"{where}: machine timestamp {stamp.group(0)!r}")


def slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"


@pytest.mark.parametrize("lang", SIZES)
def test_every_role_walks_home_and_the_pages_it_leads_to(app, socket_phones, lang):
    demo.seed()
    width, height, locale = SIZES[lang]
    problems: list[str] = []
    walked = 0
    for role, phone_number in ROLES.items():
        page = socket_phones.open(width=width, height=height, locale=locale)
        page.goto(f"/login?lang={lang}")
        check(page, f"{lang}-{role}-login", problems)
        page.locator("#phone").fill(phone_number)
        page.locator("#password").fill(demo.PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        assert urlsplit(page.url).path == "/", page.url
        assert page.locator("nav.bottomnav a[aria-current=page]").count() == 1
        assert page.locator(".home-card").count() >= 2, f"{role} has cards on home"
        check(page, f"{lang}-{role}-home", problems)
        for path in reachable(page):
            page.goto(path)
            check(page, f"{lang}-{role}-{slug(path)}", problems)
            walked += 1
    print(f"\nswept {walked} pages; screenshots in {ARTIFACTS}")
    assert walked >= 20
    assert not problems, "\n".join(problems)


def test_the_installed_shell_shows_the_offline_page_when_the_network_is_gone(socket_phones, owner):
    """On the server process: the worker's own fetches may still be running when the phone closes, and the
    in-thread live server would report each cut-off file as a warning of this test."""
    from tests.browser.test_foundation_pages import login
    page = socket_phones.open(width=360, height=780, service_workers="allow")
    login(page, owner.phone)
    assert page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready;
        return registration.active.scriptURL;
    }""").endswith("/sw.js")
    page.reload()  # the worker controls the pages opened after it took over
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.goto("/boards")
        assert page.locator("#offline h1").inner_text() == "网络已断开"
        # the styles came from the worker's cache too: the bar is painted, the button is a full target
        assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") \
            not in ("rgba(0, 0, 0, 0)", "transparent")
        assert page.locator("#offline-retry").bounding_box()["height"] >= 44
    finally:
        page.context.set_offline(False)
    page.locator("#offline-retry").click()
    page.wait_for_url("**/")
    assert page.locator("nav.bottomnav").count() == 1, "back online, the real page"
    # what failed while the phone was offline is what being offline means (the live socket's polling among it)
    socket_phones.errors[:] = [e for e in socket_phones.errors if "ERR_INTERNET_DISCONNECTED" not in e]
