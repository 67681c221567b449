"""The board pages in Chromium at phone sizes: a thread with a photo, nested replies and the notification they
raise; threads as a tree on wide screens; the rules that must be accepted again; no sideways scrolling at 360 px;
and the cross-site scripting corpus, posted through the API and loaded on every page that shows it."""

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from community.boards import media
from community.boards import services as boards
from community.extensions import db
from community.rules import services as rules
from tests.browser.test_foundation_pages import assert_clear_of_bottom_nav, assert_fits, login, path_of
from tests.xss_corpus import PAYLOADS

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
WIDE = {"width": 1100, "height": 900}


@pytest.fixture
def make_app(make_app, tmp_path):
    """Both apps (the one the test writes with and the one the browser talks to) keep images in a temp folder."""
    def make(**overrides):
        return make_app(MEDIA_DIR=str(tmp_path / "media"), **overrides)
    return make


def set_policy(**changes) -> None:
    current = rules.current()
    current.policy = {**current.policy, **changes}
    db.session.commit()


@pytest.fixture
def quiet(app):
    """People here post several times a minute."""
    set_policy(post_interval_s=0)


def png_bytes(size=(64, 48), colour=(11, 110, 79)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def post_id_of(page) -> int:
    fragment = urlsplit(page.url).fragment
    assert fragment.startswith("post-"), page.url
    return int(fragment.removeprefix("post-"))


def image_loaded(locator) -> bool:
    locator.scroll_into_view_if_needed()
    return locator.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")


def test_thread_with_photo_nested_replies_and_notifications(phones, live_server, owner, resident, quiet, tmp_path):
    photo = tmp_path / "lift.png"
    photo.write_bytes(png_bytes())

    alice = phones.open()
    login(alice, owner.phone, then="/boards")
    with alice.expect_navigation():
        alice.locator("a[href='/boards/neighbours']").click()
    with alice.expect_navigation():
        alice.locator("a[href='/boards/neighbours/new']").click()
    alice.locator("#title").fill("三号楼电梯又坏了")
    alice.locator("#body").fill("今早电梯停在 **5 楼**，已经报修。照片如下。")
    alice.locator("#images").set_input_files(str(photo))
    with alice.expect_navigation():
        alice.locator("button[name=publish]").click()
    thread_path = path_of(alice)
    assert thread_path.startswith("/threads/")
    expect(alice.locator("h1")).to_have_text("三号楼电梯又坏了")
    expect(alice.locator(".post.opening .post-body strong")).to_have_text("5 楼")
    assert image_loaded(alice.locator(".post.opening .post-body img"))

    bob = phones.open()
    login(bob, resident.phone, then="/boards/neighbours")
    with bob.expect_navigation():
        bob.locator(".thread-link", has_text="三号楼电梯又坏了").click()
    with bob.expect_navigation():
        bob.locator(".post.opening a.act-reply").click()
    expect(bob.locator("#reply .replying-to")).to_contain_text("一栋老王")
    bob.locator("#body").fill("我家也遇到了，物业说下午修好。")
    with bob.expect_navigation():
        bob.locator("button[name=publish]").click()
    first = post_id_of(bob)
    expect(bob.locator(f"#post-{first} .post-body")).to_contain_text("下午修好")

    with bob.expect_navigation():
        bob.locator(f"#post-{first} a.act-reply").click()
    expect(bob.locator("fieldset.reply-to input[type=radio]:checked")).to_have_value(str(first))
    expect(bob.locator("fieldset.reply-to")).to_contain_text("我家也遇到了")
    bob.locator("#body").fill("补充：@一栋老王 维修师傅两点到。")
    with bob.expect_navigation():
        bob.locator("button[name=publish]").click()
    nested = post_id_of(bob)
    reply = bob.locator(f"#post-{nested}")
    expect(reply).to_have_attribute("data-parent", str(first))
    expect(reply.locator("blockquote.answers"), "on a phone the answered post is quoted").to_contain_text("租客小赵")
    expect(reply.locator("blockquote.answers")).to_contain_text("我家也遇到了")
    expect(reply.locator("a.mention")).to_have_text("@一栋老王")

    alice.goto("/boards")
    count = alice.locator("nav.bottomnav .nav-count")
    expect(count, "a reply to the thread and a mention").to_contain_text("2")
    with alice.expect_navigation():
        alice.locator("nav.bottomnav a[href='/notifications']").click()
    items = alice.locator("ol.notifications li.notification")
    expect(items).to_have_count(2)
    expect(items.first).to_have_attribute("data-kind", "mention")
    expect(items.first).to_contain_text("租客小赵")
    expect(alice.locator("nav.bottomnav .nav-count"), "opening the page marks them read").to_have_count(0)
    with alice.expect_navigation():
        items.first.locator("a").click()
    assert path_of(alice) == thread_path and post_id_of(alice) == nested
    expect(alice.locator(f"#post-{nested} .post-body")).to_contain_text("维修师傅两点到")
    assert image_loaded(alice.locator(".post.opening .post-body img"))


@pytest.fixture
def conversation(app, owner, resident, committee_member, quiet):
    """A thread whose replies answer each other: r1 → r2 → r3, r4 on the opening post, r5 → r1."""
    thread = boards.start_thread(owner, "neighbours", "周末的跳蚤市场", "大家有什么想换的东西？")
    r1 = boards.reply(resident, thread.id, "我有一辆童车。").id
    r2 = boards.reply(owner, thread.id, "童车几岁能用？", r1).id
    r3 = boards.reply(resident, thread.id, "三到六岁。", r2).id
    r4 = boards.reply(committee_member, thread.id, "业委会可以提供场地。").id
    r5 = boards.reply(committee_member, thread.id, "童车我也想要。", r1).id
    return {"thread": thread.id, "ids": [r1, r2, r3, r4, r5]}


def reply_order(page) -> list[int]:
    return [int(i.removeprefix("post-")) for i in page.locator("#replies > li").evaluate_all(
        "items => items.map(i => i.id)")]


def test_replies_are_a_tree_on_wide_screens_and_on_phones(phones, live_server, owner, conversation):
    r1, r2, r3, r4, r5 = conversation["ids"]
    wide = phones.open(**WIDE)
    login(wide, owner.phone, then=f"/threads/{conversation['thread']}")
    expect(wide.locator("#replies"), "the server sends the tree").to_have_class(re.compile(r"\bthreaded\b"))
    assert reply_order(wide) == [r1, r2, r3, r5, r4]
    lefts = {r: wide.locator(f"#post-{r}").bounding_box()["x"] for r in (r1, r2, r3, r4, r5)}
    assert lefts[r1] == lefts[r4] < lefts[r2] == lefts[r5] < lefts[r3]
    expect(wide.locator(f"#post-{r2} blockquote.answers"), "the tree shows what is answered").to_be_hidden()

    wide.set_viewport_size(NARROW)
    assert reply_order(wide) == [r1, r2, r3, r5, r4]
    lefts = {r: wide.locator(f"#post-{r}").bounding_box()["x"] for r in (r1, r2, r3, r4, r5)}
    assert lefts[r1] == lefts[r4] < lefts[r2] == lefts[r5] < lefts[r3], "replies nest visibly on a phone too"
    expect(wide.locator(f"#post-{r3} blockquote.answers")).to_contain_text("童车几岁能用")
    expect(wide.locator(f"#post-{r4} blockquote.answers"), "it answers the opening post").to_have_count(0)
    assert_fits(wide, NARROW["width"])


def test_changed_rules_must_be_read_before_writing(phones, live_server, owner, admin, quiet):
    thread = boards.start_thread(owner, "neighbours", "规则更新以后", "看看新规则。")
    current = rules.current()
    clauses = [c for c in current.clauses if c["id"] != "5.1"]
    clauses = [dict(c, text="不得辱骂、人身攻击、歧视、威胁或骚扰他人。") if c["id"] == "2.2" else c for c in clauses]
    clauses.append({"id": "6.1", "text": "宠物须拴绳，粪便及时清理。"})
    draft = rules.draft(admin, {"text": "邻里社区交互规则（第 2 版）", "clauses": clauses, "policy": current.policy})
    rules.adopt(admin, draft.version)

    page = phones.open(**NARROW)
    login(page, owner.phone, then=f"/threads/{thread.id}")
    expect(page.locator("#reply form"), "no reply form until the new rules are accepted").to_have_count(0)
    with page.expect_navigation():
        page.locator("#reply a[href^='/rules']").click()
    assert path_of(page) == "/rules"

    page.goto("/boards/neighbours/new")
    assert path_of(page) == "/rules", "compose sends the writer to the rules first"
    changes = page.locator("#changes")
    expect(changes).to_contain_text("6.1")
    expect(changes).to_contain_text("2.2")
    expect(changes).to_contain_text("5.1")
    expect(page.locator("li#clause-6\\.1 .badge")).to_be_visible()
    expect(page.locator("li#clause-2\\.2 .badge")).to_be_visible()
    expect(page.locator("li#clause-1\\.1 .badge")).to_have_count(0)
    expect(page.locator("ol.removed")).to_contain_text("新版本采纳后")
    assert_fits(page, NARROW["width"])
    with page.expect_navigation():
        page.locator("form[action^='/rules/accept'] button").click()
    assert path_of(page) == "/boards/neighbours/new"
    expect(page.locator("form #title")).to_be_visible()
    db.session.refresh(owner)
    assert owner.accepted_rules_version == draft.version


@pytest.fixture
def busy(app, owner, resident, staff, committee_member, quiet):
    """Content that could push a phone layout sideways: long words and links, a wide table, code, a photo,
    replies nested six deep, a held reply and an edited one."""
    photo = media.upload(owner, png_bytes((1600, 900)))
    body = ("电梯维修通知：https://example.com/" + "a" * 120 + "\n\n"
            "| 楼栋 | 单元 | 日期 | 时间 | 负责人 | 电话 | 备注 |\n|---|---|---|---|---|---|---|\n"
            "| 3 | 2 | 2026-12-01 | 09:00-12:00 | 周师傅 | 13800000000 | 请提前安排出行，带好随身物品 |\n\n"
            "```\n" + "x" * 200 + "\n```\n\n" + "长" * 300)
    thread = boards.start_thread(owner, "neighbours", "超" * 120, body, [photo.id])
    parent = None
    for depth in range(6):
        author = resident if depth % 2 == 0 else owner
        parent = boards.reply(author, thread.id, f"第 {depth + 1} 层回复：" + "好" * 80, parent.id if parent else None)
        if depth == 0:
            first = parent
    boards.reply(resident, thread.id, "有需要加微信聊")  # held for review
    boards.edit(resident, first.id, "第 1 层回复（已修改）：" + "好" * 80)
    for i in range(35):
        boards.start_thread(resident, "neighbours", f"话题 {i} " + "很长的标题" * 10, f"内容 {i}")
    return {"thread": thread.id, "reply": first.id}


PAGES = [
    ("/boards", "owner", "ul.board-list li"),
    ("/boards/neighbours", "owner", "ol.thread-list li.thread-card"),
    ("/boards/neighbours/new", "owner", "form #images"),
    ("/threads/{thread}", "owner", "#replies li.reply.depth-4"),
    ("/threads/{thread}?parent={reply}&quote=1", "resident", "fieldset.reply-to"),
    ("/threads/{thread}", "staff", "#replies .badge-pending"),
    ("/notifications", "owner", "ol.notifications li.notification"),
    ("/search?q=电梯", "owner", "ol.results li.result"),
    ("/posts/{reply}/edit", "resident", "form #body"),
    ("/posts/{reply}/revisions", "committee_member", "ol.revisions li.revision"),
    ("/report?target=post:{reply}", "owner", "form input[name=reason]"),
    ("/report?target=thread:{thread}", "resident", "form #note"),
    ("/?lang=en", "committee_member", "nav.bottomnav .nav-count"),
    ("/boards?lang=en", "admin", "nav.bottomnav a[href='/notifications']"),
]


def page_id(path: str, who: str) -> str:
    """Test ids name the database file, so no query-string characters."""
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in path).strip("-") + "-as-" + who


@pytest.mark.parametrize("path,who,landmark", PAGES, ids=[page_id(p, w) for p, w, _ in PAGES])
def test_no_sideways_scrolling_at_360(request, phones, live_server, busy, path, who, landmark):
    if "committee_member" == who:  # something for the nav badge
        boards.reply(request.getfixturevalue("resident"), busy["thread"], "@李老师 请看看这个。")
    path = path.format(**busy)
    page = phones.open(**NARROW)
    login(page, request.getfixturevalue(who).phone, then=path)
    assert path_of(page) == urlsplit(path).path
    expect(page.locator(landmark).first).to_be_visible()
    assert_fits(page, NARROW["width"])
    assert_clear_of_bottom_nav(page)
    small = page.evaluate("""() => [...document.querySelectorAll(
            "main a[href], main button, main input:not([type=hidden]), main select, main textarea, header a, nav a")]
        .filter(e => e.getClientRects().length && !e.closest(".post-body, .snippet, .answers, .facts, .clauses"))
        .map(e => [e.outerHTML.slice(0, 80), (e.closest("label") || e).getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert not small, f"touch targets under 44 px: {small}"


# ---- cross-site scripting ---------------------------------------------------------------------------

MARK = "邻里XSS"
# Variants that would set a flag instead of opening a dialog, so a payload that ran silently is caught too.
# A payload with NUL is refused at the door (400, tests/test_api_contract.py); every other one is stored and must
# come back inert.
ITEMS = [p for p in PAYLOADS + [p.replace("alert(1)", "window.__xss=1") for p in PAYLOADS if "alert(1)" in p]
         if "\x00" not in p]
BODY_THREADS = 6

# What the sanitiser must never let through, whether or not it would run under the CSP.
LEFTOVERS = """() => {
    const found = [];
    const foreign = ["SCRIPT", "IFRAME", "OBJECT", "EMBED", "BASE", "META", "FORM", "STYLE", "LINK", "SVG", "MATH",
                     "TEMPLATE", "FRAME", "FRAMESET"];
    for (const e of document.querySelectorAll("body *")) {
        for (const a of e.attributes) {
            if (/^on/i.test(a.name) || a.name === "style" || a.name === "srcdoc") found.push(`${e.tagName} ${a.name}`);
            if (/^\\s*(javascript|vbscript|data):/i.test(a.value)) found.push(`${e.tagName} ${a.name}=${a.value}`);
        }
        if (foreign.includes(e.tagName.toUpperCase()) && e.closest("main .post-body, main .snippet, main .answers"))
            found.push(`element ${e.tagName}`);
        if (e.tagName === "IMG" && !/^\\/(media|static)\\//.test(e.getAttribute("src") || ""))
            found.push(`img ${e.getAttribute("src")}`);
    }
    return found;
}"""


@pytest.fixture
def hostile(app, api, owner, resident, quiet):
    """Every payload (and its flag-setting variant) as a thread title, as a post body and in a nested reply,
    all sent through the API with bearer tokens."""
    set_policy(daily_cap_post=100000, repeat_window=0, new_user_days=0)

    def start(title, body):
        r = api.post("/boards/neighbours/threads", user=owner, json={"title": title, "body": body})
        assert r.status_code == 201, (title, r.get_json())
        return r.get_json()["id"]

    def reply(thread_id, body, parent=None):
        r = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": body, "parent_id": parent})
        assert r.status_code == 201, (body, r.get_json())
        return r.get_json()["id"]

    for i, item in enumerate(ITEMS):
        thread_id = start(item[:120], f"{MARK} 标题测试 {i}")
        if i % 4 == 0:
            reply(thread_id, f"{MARK} 回复通知 {i}")  # a notification that shows the title
    threads, replies = [], []
    for t in range(BODY_THREADS):
        chunk = ITEMS[t::BODY_THREADS]
        thread_id = start(f"{MARK} 正文测试 {t}", chunk[0])
        threads.append(thread_id)
        previous = None
        for n, item in enumerate(chunk[1:]):
            # Half answer the opening post (a notification), half the reply before (a quote on phones).
            previous = reply(thread_id, item, previous if n % 2 else None)
            replies.append((thread_id, previous))
    return {"threads": threads, "replies": replies}


class Watch:
    """A page whose every dialog is dismissed and recorded; ``visit`` loads a path and checks nothing ran."""

    def __init__(self, page):
        self.page, self.dialogs, self.visited = page, [], 0
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response.status == 200, (path, response.status)
        self.check()
        self.visited += 1

    def check(self) -> None:
        page = self.page
        assert page.evaluate("() => typeof window.__xss") == "undefined", f"a payload ran on {page.url}"
        assert not self.dialogs, self.dialogs
        leftovers = page.evaluate(LEFTOVERS)
        assert not leftovers, f"active content on {page.url}: {leftovers[:10]}"


def test_xss_payloads_stay_inert_on_every_page(phones, live_server, hostile, owner, resident):
    errors = []
    reader = phones.open()
    reader.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    reader.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    login(reader, owner.phone)
    watch = Watch(reader)

    for thread_id in hostile["threads"]:
        watch.visit(f"/threads/{thread_id}")
        expect(reader.locator("#replies li.reply").first).to_be_visible()
        assert reader.locator(".post-body").count() > len(ITEMS) // BODY_THREADS - 2
    wide = reader.viewport_size
    reader.set_viewport_size(WIDE)  # app.js rearranges the replies into a tree
    for thread_id in hostile["threads"]:
        watch.visit(f"/threads/{thread_id}")
    reader.set_viewport_size(wide)

    path, pages = "/boards/neighbours", 0
    while path:
        watch.visit(path)
        pages += 1
        more = reader.locator("a[rel=next]")
        path = more.get_attribute("href") if more.count() else None
    assert pages * 30 >= len(ITEMS)

    path, notified = "/notifications", 0
    while path:
        watch.visit(path)
        notified += reader.locator("li.notification").count()
        older = reader.locator("a[href^='/notifications?before=']")
        path = older.get_attribute("href") if older.count() else None
    assert notified >= len(ITEMS) // 4 + len(hostile["replies"]) // 2

    for thread_id, post_id in hostile["replies"][::6]:
        watch.visit(f"/report?target=post:{post_id}")
        watch.visit(f"/threads/{thread_id}?parent={post_id}&quote=1")
        assert reader.locator("#body").input_value().startswith(">")

    writer = Watch(phones.open())
    login(writer.page, resident.phone)
    for _thread_id, post_id in hostile["replies"][::10]:
        writer.visit(f"/posts/{post_id}/edit")

    assert watch.visited > 60
    assert not errors, errors[:10]


def test_search_results_for_payloads_are_inert(phones, live_server, hostile, owner):
    reader = phones.open()
    login(reader, owner.phone)
    watch = Watch(reader)
    results = reader.locator("ol.results li.result")
    watch.visit(f"/search?q={MARK}")
    expect(results).to_have_count(20)
    assert reader.locator("ol.results .snippet mark").count() > 0
    for q in ("alert", "script", "onerror", "javascript", "<img src=x onerror=alert(1)>",
              "\"><svg onload=alert(1)>", "</mark><script>alert(1)</script>"):
        reader.goto("/search")
        reader.locator("#q").fill(q)
        with reader.expect_navigation():
            reader.locator("form[role=search] button").click()
        watch.check()
        expect(reader.locator("#q")).to_have_value(q)
        if q.isalpha():
            expect(results.first).to_be_visible()
