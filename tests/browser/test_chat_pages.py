"""Live chat in Chromium at phone sizes, against a server process that speaks Socket.IO: two owners of building 1
talk, the server is killed and started again mid-conversation (a message written while it is down arrives once it
is back) and both phones end with every message exactly once; input-method composition never sends; rules
refusals show their clause; staff removal and sanctions reach the page; older history pages in; the front desk
queue; no sideways scrolling at 360 px."""

import json
import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from community.accounts import services as accounts
from community.chat import services as chat
from community.chat.models import DeskConversation, Message, RoomRead
from community.extensions import db
from tests.browser.test_foundation_pages import assert_clear_of_bottom_nav, assert_fits, login, path_of
from tests.fixtures.people import id_number, set_policy

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
ROOM = "/chat/building-1"
RECONNECT = 30_000  # ms: the client retries at most every 5 s; a restarted server needs a few seconds to answer

# Recorded from the first script on, so that a violation before any test code runs is not missed.
CSP_WATCH = """document.addEventListener("securitypolicyviolation",
    (e) => (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI}`));"""


@pytest.fixture
def neighbours(app, make_user):
    """Two approved owners of building 1, made through the services, who may chat as fast as they like."""
    set_policy(chat_interval_s=0, chat_max_per_minute=1000)
    wang = make_user(real_name="王伟", id_number=id_number(1), unit="1-1-101", relation="owner",
                     display_name="一栋老王")
    li = make_user(real_name="李娜", id_number=id_number(2), unit="1-1-201", relation="owner",
                   display_name="一栋小李")
    return wang, li


def open_room(phones, user, path=ROOM, **size):
    page = phones.open(**(size or PHONE))
    page.context.add_init_script(CSP_WATCH)
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.sockets = sockets
    login(page, user.phone, then=path)
    assert path_of(page) == path
    expect(page.locator("#chat-room"), "joined over Socket.IO").to_have_attribute("data-connection", "live")
    return page


def say(page, text: str) -> None:
    box = page.locator("#chat-body")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def bubbles(page, text: str | None = None):
    found = page.locator("#messages li.msg[data-id]")
    return found.filter(has_text=text) if text else found


def shown_ids(page) -> list[int]:
    return page.locator("#messages li.msg[data-id]").evaluate_all("items => items.map(i => Number(i.dataset.id))")


def assert_no_csp_violations(page) -> None:
    assert page.evaluate("() => window.__csp || []") == []


def stored(room: str = "building-1") -> int:
    db.session.rollback()  # a fresh snapshot: the server process wrote these
    return db.session.scalar(select(func.count(Message.id)).where(Message.room == room))


def test_two_owners_chat_through_a_server_restart(socket_phones, server_process, neighbours):
    wang, li = neighbours
    alice = open_room(socket_phones, wang)
    bob = open_room(socket_phones, li)
    for page in (alice, bob):
        assert any(url.startswith(f"ws://127.0.0.1:{server_process.port}/socket.io/") for url in page.sockets), \
            "the connection upgraded to a same-origin websocket, which connect-src 'self' allows"

    said = []
    for page, text in ((alice, "小李，晚上好！今天电梯修好了吗？"), (bob, "修好了，下午四点就能用了。"),
                       (alice, "太好了，谢谢告知。\n顺便问一下快递柜在哪？")):
        say(page, text)
        said.append(text)
        for reader in (alice, bob):
            expect(bubbles(reader, text.split("\n")[0])).to_have_count(1)
    expect(alice.locator("#messages li.msg.mine")).to_have_count(2)
    expect(bob.locator("#messages li.msg.mine")).to_have_count(1)
    expect(bubbles(bob).last.locator(".msg-body br"), "the line break is kept").to_have_count(1)

    with socket_phones.server_down():
        server_process.kill()
        for page in (alice, bob):
            expect(page.locator("#chat-status")).to_be_visible()
            expect(page.locator("#chat-room")).to_have_attribute("data-connection", "reconnecting")
        offline = "服务器断开时写的：快递柜在东门。"
        say(alice, offline)
        said.append(offline)
        waiting = alice.locator("#messages li.msg.pending", has_text=offline)
        expect(waiting).to_have_count(1)
        expect(waiting.locator(".msg-state")).to_be_visible()
        expect(bubbles(alice, offline), "not stored yet, so without an id").to_have_count(0)

        server_process.start()
        for page in (alice, bob):
            expect(page.locator("#chat-room")).to_have_attribute("data-connection", "live", timeout=RECONNECT)
            expect(page.locator("#chat-status")).to_be_hidden()

    for page in (alice, bob):
        expect(bubbles(page, offline), "delivered after the reconnect").to_have_count(1)
    expect(alice.locator("#messages li.msg.pending")).to_have_count(0)

    after = "收到，谢谢！服务器好像重启过。"
    say(bob, after)
    said.append(after)
    expect(bubbles(alice, after)).to_have_count(1)

    for page in (alice, bob):
        ids = shown_ids(page)
        assert len(ids) == len(said) == len(set(ids)), ids
        assert ids == sorted(ids)
        for text in said:
            expect(bubbles(page, text.split("\n")[0])).to_have_count(1)
        assert_no_csp_violations(page)
    assert shown_ids(alice) == shown_ids(bob)
    assert stored() == len(said), "stored once each, the resend included"


def test_enter_sends_but_not_while_composing(socket_phones, neighbours):
    wang, _li = neighbours
    page = open_room(socket_phones, wang)
    box = page.locator("#chat-body")
    box.fill("zhong")
    box.dispatch_event("compositionstart", {"data": ""})
    box.dispatch_event("keydown", {"key": "Enter", "code": "Enter", "isComposing": True})
    box.dispatch_event("keydown", {"key": "Enter", "code": "Enter"})  # between start and end, without the flag
    box.fill("中文")
    box.dispatch_event("compositionend", {"data": "中文"})
    page.wait_for_timeout(300)
    expect(page.locator("#messages li.msg")).to_have_count(0)
    expect(box).to_have_value("中文")
    assert stored() == 0

    box.press("Shift+Enter")
    box.press_sequentially("输入法选好了")
    expect(box).to_have_value("中文\n输入法选好了")
    box.press("Enter")
    sent = bubbles(page, "中文")
    expect(sent).to_have_count(1)
    expect(sent.locator(".msg-body")).to_contain_text("输入法选好了")
    assert stored() == 1


def test_refusals_show_inline_with_their_clause(socket_phones, neighbours):
    wang, _li = neighbours
    page = open_room(socket_phones, wang)
    say(page, "有需要代开发票的找我")
    refused = page.locator("#messages li.msg.failed")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("3.1")
    expect(refused.locator("a[href='/rules#clause-3.1']")).to_be_visible()
    expect(bubbles(page)).to_have_count(0)
    refused.get_by_role("button").first.click()  # edit: the text goes back into the composer
    expect(page.locator("#chat-body")).to_have_value("有需要代开发票的找我")
    expect(refused).to_have_count(0)

    say(page, "有事加微信聊")  # held for review: the author sees it, marked
    held = page.locator("#messages li.msg.held[data-id]")
    expect(held).to_have_count(1)
    expect(held.locator(".msg-state")).to_be_visible()
    assert stored() == 1
    assert_no_csp_violations(page)


def test_staff_removal_and_a_mute_reach_the_page(socket_phones, server_process, neighbours, staff):
    wang, li = neighbours
    alice = open_room(socket_phones, wang)
    bob = open_room(socket_phones, li)
    say(alice, "楼下的车挡住消防通道了")
    say(alice, "谁的车？车牌京A12345")
    target = bubbles(bob, "京A12345")
    expect(target).to_have_count(1)
    message_id = int(target.get_attribute("data-id"))

    token = accounts.issue_token(staff)

    def staff_call(method: str, path: str, body: dict | None = None) -> int:
        request = urllib.request.Request(
            server_process.url + "/api/v1" + path, method=method, data=json.dumps(body or {}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    assert staff_call("DELETE", f"/chat/messages/{message_id}", {"reason": "车牌是个人信息"}) == 204
    for page in (alice, bob):
        gone = page.locator(f"#messages li.msg[data-id='{message_id}']")
        expect(gone).to_have_class(re.compile(r"\bremoved\b"))
        expect(gone).not_to_contain_text("京A12345")
        expect(bubbles(page, "消防通道")).to_have_count(1)

    assert staff_call("POST", "/moderation/actions", {"action": "mute", "target": f"user:{wang.id}",
                                                      "clause": "2.2", "reason": "公开他人车牌", "hours": 24}) == 201
    expect(alice.locator("#chat-notices .chat-notice")).to_have_count(1)
    expect(alice.locator("#chat-notices a[href='/standing']")).to_be_visible()
    expect(bob.locator("#chat-notices .chat-notice")).to_have_count(0)
    say(alice, "我只是想找车主")
    refused = alice.locator("#messages li.msg.failed")
    expect(refused).to_have_count(1)
    expect(bubbles(bob, "我只是想找车主")).to_have_count(0)


def test_earlier_history_pages_in_and_reading_clears_the_count(socket_phones, neighbours):
    wang, li = neighbours
    for n in range(chat.HISTORY + 7):
        chat.send(li, "building-1", f"第 {n + 1} 条：楼道灯坏了", f"seed-{n}")
    newest = db.session.scalar(select(func.max(Message.id)))

    page = socket_phones.open(**PHONE)
    login(page, wang.phone, then="/chat")
    row = page.locator(".room-card[data-room='building-1']")
    expect(row.locator(".room-unread")).to_contain_text(str(chat.HISTORY + 7))
    with page.expect_navigation():
        row.locator("a").click()
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "live")
    expect(bubbles(page)).to_have_count(chat.HISTORY)
    earlier = page.locator("#chat-earlier")
    expect(earlier).to_be_visible()
    earlier.click()
    expect(bubbles(page)).to_have_count(chat.HISTORY + 7)
    expect(earlier).to_be_hidden()
    ids = shown_ids(page)
    assert ids == sorted(set(ids)) and len(ids) == chat.HISTORY + 7
    expect(bubbles(page).first).to_contain_text("第 1 条")

    deadline = time.monotonic() + 10
    while True:  # the page marks what it showed as read over the socket
        db.session.rollback()
        seen = db.session.scalar(select(RoomRead.last_read_id).where(
            RoomRead.user_id == wang.id, RoomRead.room == "building-1"))
        if seen == newest or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert seen == newest
    page.goto("/chat")
    expect(page.locator(".room-card[data-room='building-1'] .room-unread")).to_have_count(0)


def test_front_desk_queue_for_staff(socket_phones, neighbours, staff):
    wang, _li = neighbours
    chat.send(wang, f"desk-{wang.id}", "你好，我家门口的灯不亮了，能派人看看吗？", "desk-1")

    resident = socket_phones.open(**NARROW)
    login(resident, wang.phone)
    with resident.expect_navigation():
        resident.locator("#home-desk-chat").click()
    assert path_of(resident) == f"/chat/desk-{wang.id}"
    expect(resident.locator("#chat-room")).to_have_attribute("data-connection", "live")
    expect(bubbles(resident, "门口的灯")).to_have_count(1)

    desk = socket_phones.open(**NARROW)
    login(desk, staff.phone, then="/chat")
    with desk.expect_navigation():
        desk.locator("#desk-queue-link").click()
    entry = desk.locator(f".desk-item[data-room='desk-{wang.id}']")
    expect(entry).to_contain_text("一栋老王")
    expect(entry.locator(".tag-wait")).to_be_visible()
    assert_fits(desk, NARROW["width"])
    with desk.expect_navigation():
        entry.locator("a.desk-link").click()
    expect(desk.locator("#chat-room")).to_have_attribute("data-connection", "live")
    expect(desk.locator(".chat-head h1")).to_contain_text("一栋老王")
    say(desk, "好的，师傅十分钟后到。")
    expect(bubbles(resident, "师傅十分钟后到")).to_have_count(1)
    expect(bubbles(resident, "师傅十分钟后到").locator(".tag-staff")).to_be_visible()

    desk.goto("/chat/desk")
    expect(entry.locator(".tag-ok"), "answered: no longer waiting").to_be_visible()
    with desk.expect_navigation():
        entry.locator("form button").click()
    expect(desk.locator(".flash")).to_be_visible()
    expect(entry).to_have_count(0)
    db.session.rollback()
    assert db.session.get(DeskConversation, wang.id).status == "closed"


@pytest.mark.parametrize("path", ["/chat", ROOM])
def test_no_sideways_scrolling_at_360(socket_phones, neighbours, path):
    wang, li = neighbours
    for n, text in enumerate(["看这个链接 https://example.com/" + "a" * 150, "长" * 400,
                              "supercalifragilistic" * 12, "好的\n\n\n收到"]):
        chat.send(li if n % 2 else wang, "building-1", text, f"wide-{n}")
    page = open_room(socket_phones, wang, path, **NARROW) if path == ROOM else socket_phones.open(**NARROW)
    if path != ROOM:
        login(page, wang.phone, then=path)
        expect(page.locator(".room-card").first).to_be_visible()
        assert_clear_of_bottom_nav(page)
    assert_fits(page, NARROW["width"])
    if path == ROOM:
        composer = page.locator("#composer")
        box = composer.bounding_box()
        assert box["y"] + box["height"] <= NARROW["height"], "the composer sits on screen, at the bottom"
        assert NARROW["height"] - (box["y"] + box["height"]) < 2
        assert page.evaluate("() => document.documentElement.scrollHeight") <= NARROW["height"], \
            "only the message list scrolls"
        expect(page.locator("nav.bottomnav")).to_be_hidden()
        for target in (page.locator("#chat-body"), page.locator("#composer button"), page.locator(".chat-back")):
            assert target.bounding_box()["height"] >= 44
        assert_no_csp_violations(page)
