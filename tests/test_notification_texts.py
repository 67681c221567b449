"""Notifications that say what happened and open it: one entry per event, a sentence naming the object and what
changed, a link to that object (not a list), keyset pages in a fixed number of statements, and the badge pushed
live over the person's own socket after the write commits."""

import contextvars
import re

import pytest

from community.boards import services as boards
from community.desk import notices, tickets
from community.extensions import db, socketio
from community.moderation import services as moderation
from community.notifications import services as notifications
from community.notifications.models import Notification
from tests.fixtures.people import PASSWORD, set_policy
from tests.statements import recorded

REPAIR = {"category": "plumbing", "unit": "1-1-101", "description": "厨房水管漏水，地面有积水。"}


@pytest.fixture(autouse=True)
def relaxed(app):
    set_policy(post_interval_s=0, chat_interval_s=0, chat_max_per_minute=1000)


def sign_in(client, user, lang="zh"):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    client.set_cookie("lang", lang)
    return client


def items(user, **kw):
    from flask import current_app
    with current_app.test_request_context("/"):  # the links are paths built as a page would
        return notifications.notifications(user, **kw)


def test_a_reply_that_mentions_you_is_one_notification(owner, resident):
    thread = boards.start_thread(owner, "neighbours", "楼道堆放杂物", "五楼楼道又堆了纸箱。")
    boards.reply(resident, thread.id, f"@{owner.display_name} 我明天去清理。")
    mine = items(owner)
    assert len(mine) == 1 and mine[0]["kind"] in ("reply", "mention")
    assert mine[0]["link"].startswith(f"/threads/{thread.id}#post-")


def test_ticket_steps_say_what_changed_and_open_the_ticket(owner, staff):
    filed = tickets.file_ticket(owner, "repair", REPAIR)
    tickets.accept(staff, "repair", filed.id, {"department": "engineering", "worker": "李师傅"})
    tickets.start(staff, "repair", filed.id, {})
    tickets.finish(staff, "repair", filed.id, {"note": "已更换水管"})
    texts = [n["text"] for n in items(owner)]
    assert texts == [f"报修 #{filed.id} 已完成，请确认并评价", f"报修 #{filed.id} 已开始处理",
                     f"报修 #{filed.id} 已受理，正在安排"], "newest first, one per step, each saying what"
    assert {n["link"] for n in items(owner)} == {f"/desk/repairs/{filed.id}"}


def test_every_kind_opens_its_object(app, api, owner, staff, committee_member):
    notice = notices.post_notice(staff, {"category": "general", "title": "停水通知", "body": "周五停水。"})
    _action, sanction = moderation.act(staff, {"action": "mute", "target": f"user:{owner.id}", "clause": "2.2",
                                               "reason": "刷屏", "hours": 24})
    body = {"phone": owner.phone, "password": PASSWORD, "sanction_id": sanction.id, "text": "我没有刷屏"}
    appeal_id = api.post("/appeals", json=body).get_json()["id"]
    moderation.decide_appeal(staff, appeal_id, "lifted", "证据不足")
    by_kind = {n["kind"]: n for n in items(owner)}
    assert by_kind["notice"]["link"] == f"/desk/notices/{notice.id}" and "停水通知" in by_kind["notice"]["text"]
    assert by_kind["sanction"]["link"] == "/standing" and "禁言至" in by_kind["sanction"]["text"]
    assert not re.search(r"\dT\d", by_kind["sanction"]["text"]), "the end time in local words"
    assert by_kind["appeal_decided"]["text"] == "你的申诉已成立：处罚已解除"
    assert "sanction_lifted" not in by_kind, "an appeal that lifts the sanction is one notification, not two"


def test_vote_steps_notify_with_the_title_and_open_the_vote(api, committee_member, owner):
    from tests import test_votes
    api.patch("/votes/procedure", user=committee_member, json={"notice_days": 0})
    vote_id = test_votes.opened(api, committee_member, closes_at=test_votes.later(hours=2))
    assert api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "提前结束"}).status_code == 200
    mine = [n for n in items(owner) if n["kind"].startswith("vote_")]
    assert [n["kind"] for n in mine] == ["vote_result", "vote_opened"]
    assert all(n["link"] == f"/votes/{vote_id}" for n in mine)
    assert "结果已出" in mine[0]["text"] and "表决已开始" in mine[1]["text"]


def test_the_page_pages_by_keyset_in_fixed_statements(app, client, owner, staff):
    statements: list[str] = []

    def count(path) -> int:
        client.get(path)
        with recorded() as seen:
            assert client.get(path).status_code == 200
        statements[:] = seen
        return len(statements)

    sign_in(client, owner)
    filed = tickets.file_ticket(owner, "repair", REPAIR)
    tickets.accept(staff, "repair", filed.id, {"department": "engineering", "worker": "李师傅"})
    few = count("/notifications")
    for i in range(60):
        tickets.add_note(staff, "repair", filed.id, {"note": f"说明 {i}"})
    assert count("/notifications") == few, "\n".join(statements)
    html = client.get("/notifications").get_data(as_text=True)
    older = re.search(r'href="(/notifications\?before=\d+)"', html).group(1)
    first = [int(i) for i in re.findall(r'data-id="(\d+)"', html)] or None
    rest = client.get(older).get_data(as_text=True)
    assert "已受理" in rest and "已受理" not in html
    assert first is None or not set(first) & set(re.findall(r'data-id="(\d+)"', rest))
    total = db.session.query(Notification).filter_by(user_id=owner.id).count()
    assert total == 61


class Socket:
    def __init__(self, app, api, user):
        self._client = contextvars.Context().run(socketio.test_client, app, auth={"token": api.token_for(user)})

    def received(self, name):
        packets, self._client.queue = self._client.queue, []
        return [p["args"][0] for p in packets if p["name"] == name]

    def disconnect(self):
        if self._client.is_connected():
            contextvars.Context().run(self._client.disconnect)


def test_the_badge_and_the_desk_queue_update_live(app, api, owner, staff):
    mine, desk = Socket(app, api, owner), Socket(app, api, staff)
    try:
        assert mine._client.is_connected() and desk._client.is_connected()
        filed = tickets.file_ticket(owner, "repair", REPAIR)
        mine.received("notification")
        tickets.accept(staff, "repair", filed.id, {"department": "engineering", "worker": "李师傅"})
        pushed = mine.received("notification")
        assert len(pushed) == 1 and pushed[0]["count"] == 1
        assert pushed[0]["item"]["link"] == f"/desk/repairs/{filed.id}" and f"#{filed.id}" in pushed[0]["item"]["text"]
        assert desk.received("notification") == [], "only the person concerned hears it"
        from community.chat import services as chat
        chat.send(owner, f"desk-{owner.id}", "请问快递柜坏了找谁？", "c-1")
        assert desk.received("desk_queue") == [{}], "the staff's desk list refreshes"
        assert mine.received("desk_queue") == []
    finally:
        mine.disconnect()
        desk.disconnect()
