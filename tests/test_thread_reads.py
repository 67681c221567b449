"""Reading never writes on the request path (a thread, a chat room's history, a notice), yet unread counts
follow; the thread page (HTML and API) runs a fixed number of statements whatever its length; hidden replies
and threads leave a placeholder citing the clause for members, while overseers still read them."""

import json

import pytest
from sqlalchemy import select

from community.boards import services as boards
from community.chat import services as chat
from community.chat.models import RoomRead
from community.desk import notices as desk_notices
from community.desk.models import NoticeReceipt
from community.extensions import db
from community.moderation import services as moderation
from community.rules import services as rules
from tests.statements import recorded

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def quiet(app):
    current = rules.current()
    current.policy = {**current.policy, "post_interval_s": 0, "chat_interval_s": 0, "chat_max_per_minute": 1000,
                      "daily_cap_post": 0}
    db.session.commit()


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


def request_writes(seen) -> list[str]:
    return [sql for sql in seen if sql.on_request_path and sql.lstrip().upper().startswith(WRITES)]


def later_writes(seen) -> list[str]:
    return [sql for sql in seen if not sql.on_request_path and sql.lstrip().upper().startswith(WRITES)]


@pytest.fixture
def thread(owner, resident):
    found = boards.start_thread(owner, "neighbours", "楼道堆放杂物", "五楼楼道又堆了纸箱，消防隐患。")
    boards.reply(resident, found.id, "我去搬走。")
    return found


def test_reading_a_thread_writes_after_the_response(client, api, owner, resident, thread):
    assert boards.threads(resident, "neighbours")[0][0]["unread"] is True
    for n, call in enumerate((lambda: sign_in(client, resident).get(f"/threads/{thread.id}"),
                 lambda: api.get(f"/threads/{thread.id}", user=resident))):
        boards.reply(owner, thread.id, f"谢谢！第 {n} 次")  # the thread moves on: the reader has something new to read
        db.session.commit()
        assert boards.threads(resident, "neighbours")[0][0]["unread"] is True
        with recorded() as seen:
            assert call().status_code == 200
        assert request_writes(seen) == []
        assert any("thread_reads" in sql for sql in later_writes(seen)), "the marker is written after the response"
        db.session.commit()
        assert boards.threads(resident, "neighbours")[0][0]["unread"] is False
    with recorded() as seen:  # nothing new: nothing to write at all
        assert sign_in(client, resident).get(f"/threads/{thread.id}").status_code == 200
    assert request_writes(seen) == [] and later_writes(seen) == []


def test_chat_history_and_room_page_write_only_after_the_response(client, api, owner, resident):
    for i, text in enumerate(("早上好", "今天停水吗？")):
        chat.send(owner, "lobby", text, f"c{i}")
    assert {r["slug"]: r["unread"] for r in chat.rooms(resident)}["lobby"] == 2
    api.token_for(resident)
    with recorded() as seen:
        r = api.get("/chat/rooms/lobby/messages", user=resident)
    assert r.status_code == 200 and len(r.get_json()["items"]) == 2
    assert request_writes(seen) == []
    assert not any("room_reads" in sql for sql in later_writes(seen)), "the API history marks nothing read"
    db.session.commit()
    assert {r["slug"]: r["unread"] for r in chat.rooms(resident)}["lobby"] == 2

    with recorded() as seen:
        assert sign_in(client, resident).get("/chat/lobby").status_code == 200
    assert request_writes(seen) == []
    assert any("room_reads" in sql for sql in later_writes(seen))
    db.session.commit()
    assert {r["slug"]: r["unread"] for r in chat.rooms(resident)}["lobby"] == 0
    marker = db.session.scalar(select(RoomRead.last_read_id).where(RoomRead.user_id == resident.id))
    assert marker == max(m["id"] for m in chat.history(resident, "lobby"))


def test_opening_a_notice_records_it_after_the_response(client, api, staff, owner, resident):
    api.token_for(owner)
    notice = desk_notices.post_notice(staff, {"title": "3号楼停水通知", "body": "明天停水。", "category": "outage",
                                              "must_acknowledge": True})
    with recorded() as seen:
        r = api.get(f"/notices/{notice.id}", user=owner)
    assert r.status_code == 200 and r.get_json()["read"] is True and r.get_json()["acknowledged"] is False
    assert request_writes(seen) == []
    assert any("notice_receipts" in sql for sql in later_writes(seen))
    with recorded() as seen:
        assert sign_in(client, resident).get(f"/desk/notices/{notice.id}").status_code == 200
    assert request_writes(seen) == []
    db.session.commit()
    receipts = {r.user_id: r for r in db.session.scalars(select(NoticeReceipt))}
    assert set(receipts) == {owner.id, resident.id}
    assert all(r.acknowledged_at is None for r in receipts.values()), "acknowledging stays an action of its own"
    with recorded() as seen:
        assert api.get(f"/notices/{notice.id}", user=owner).status_code == 200
    assert request_writes(seen) == [] and later_writes(seen) == [], "a second reading records nothing"
    assert api.post(f"/notices/{notice.id}/acknowledge", user=owner).status_code == 200
    db.session.commit()
    assert db.session.scalar(select(NoticeReceipt.acknowledged_at).where(NoticeReceipt.user_id == owner.id))


def count_for(fetch) -> int:
    with recorded(request_path_only=True) as seen:
        assert fetch().status_code == 200
    return len(seen)


def test_thread_page_statements_do_not_grow(client, api, owner, resident, committee_member, staff, thread):
    sign_in(client, resident)
    html = lambda: client.get(f"/threads/{thread.id}")  # noqa: E731
    js = lambda: api.get(f"/threads/{thread.id}", user=resident)  # noqa: E731
    html(), js()
    few = count_for(html), count_for(js)
    parent = None
    for i in range(60):
        writer = (owner, resident, committee_member, staff)[i % 4]
        parent = boards.reply(writer, thread.id, f"第 {i} 条回复", parent.id if parent and i % 3 else None)
    db.session.commit()
    # The replies moved the thread's revision: the first reading builds the page again (its posts with their
    # authors, one statement more); the API then reads what the page kept, as do the next readings.
    assert (count_for(html), count_for(js)) == (few[0] + 1, few[1])
    assert (count_for(html), count_for(js)) == few
    # Pinned. The page: the session's user with their session, standing, unread count and the adopted rules
    # version (one statement), then the thread with its board, the "people" revision and the reader's marker
    # (one statement; the posts are kept). The API: the token with its user and standing instead of the session.
    assert few == (2, 2), few


def test_api_json_is_utf8_not_escaped(api, resident, thread):
    r = api.get(f"/threads/{thread.id}", user=resident)
    assert r.headers["Content-Type"] == "application/json"
    raw = r.get_data()
    assert "楼道堆放杂物".encode() in raw and b"\\u" not in raw
    assert json.loads(raw.decode("utf-8"))["title"] == "楼道堆放杂物"


def test_hidden_reply_and_thread_leave_a_placeholder(client, owner, resident, staff, committee_member, thread):
    rude = boards.reply(resident, thread.id, "你们都是傻瓜，别多管闲事。")
    answer = boards.reply(owner, thread.id, "请文明发言。", rude.id)
    moderation.act(staff, {"action": "hide", "target": f"post:{rude.id}", "clause": "2.2", "reason": "辱骂"})
    page = sign_in(client, owner).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "此回复因违反第 2.2 条已被隐藏" in page and "傻瓜" not in page
    assert f'id="post-{rude.id}"' in page and f'data-parent="{rude.id}"' in page
    assert f"?target=post:{rude.id}" not in page, "a placeholder offers nothing to act on"
    assert page.index(f'id="post-{rude.id}"') < page.index(f'id="post-{answer.id}"')

    overseen = sign_in(client, committee_member).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "傻瓜" in overseen and "badge-rejected" in overseen and "此回复因违反" not in overseen

    moderation.act(staff, {"action": "hide", "target": f"thread:{thread.id}", "clause": "3.1", "reason": "广告"})
    r = sign_in(client, resident).get(f"/threads/{thread.id}")
    assert r.status_code == 200 and "此话题因违反第 3.1 条已被隐藏" in r.get_data(as_text=True)
    assert "楼道堆放杂物" not in r.get_data(as_text=True)
    assert sign_in(client, staff).get(f"/threads/{thread.id}").get_data(as_text=True).count("楼道堆放杂物") >= 1
    assert sign_in(client, resident).get("/threads/99999").status_code == 404


def test_a_hundred_post_page_stays_light(client, owner, resident, thread):
    text = "三号楼的电梯又坏了，请物业尽快安排维修，谢谢大家。" * 3  # ~75 characters, as posts mostly are
    for i in range(100):
        boards.reply(resident if i % 2 else owner, thread.id, f"{text}{i:03d}")
    db.session.commit()
    page = sign_in(client, resident).get(f"/threads/{thread.id}").get_data()
    body = len(f"<p>{text}000</p>".encode())
    assert page.count(b'class="post reply') == 101
    assert (len(page) - 101 * body) / 101 < 400, "markup per reply beyond its stored HTML"
