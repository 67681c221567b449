"""Boards over the API: rights per board, threads, nested replies, edits, mentions, notifications."""

import pytest

from community.extensions import db
from tests.conftest import error_of
from tests.fixtures.people import set_policy


@pytest.fixture(autouse=True)
def no_post_interval(app):
    """Most tests post several times in a row: lift the interval (tests of it set it back)."""
    set_policy(post_interval_s=0)


def start(api, user, slug="neighbours", title="电梯维修通知", body="三号楼电梯周五上午维修，请大家注意。", **extra):
    return api.post(f"/boards/{slug}/threads", user=user, json={"title": title, "body": body, **extra})


def test_boards_listed_with_rights(api, everyone):
    items = {b["slug"]: b for b in api.get("/boards", user=everyone["owner"]).get_json()["items"]}
    assert list(items) == ["notices", "neighbours", "fire-safety", "committee", "marketplace"]
    assert [items[s]["can_post"] for s in items] == [False, True, False, False, True]
    staff = {b["slug"]: b["can_post"] for b in api.get("/boards", user=everyone["staff"]).get_json()["items"]}
    assert staff == {"notices": True, "neighbours": True, "fire-safety": True, "committee": False,
                     "marketplace": True}
    committee = {b["slug"]: b["can_post"] for b in api.get("/boards", user=everyone["committee"]).get_json()["items"]}
    assert committee["committee"] is True
    assert items["notices"]["name"] == "物业通知"
    en = api.get("/boards", user=everyone["owner"], headers={"Accept-Language": "en"}).get_json()["items"]
    assert en[0]["name"] == "Notices"


@pytest.mark.parametrize("slug,role,allowed", [
    ("notices", "owner", False), ("notices", "staff", True), ("notices", "committee", False),
    ("neighbours", "owner", True), ("neighbours", "resident", True), ("neighbours", "vendor", False),
    ("fire-safety", "owner", False), ("fire-safety", "staff", True),
    ("committee", "committee", True), ("committee", "owner", False), ("committee", "staff", False),
    ("marketplace", "vendor", True), ("marketplace", "resident", True),
])
def test_who_may_start_threads(api, everyone, slug, role, allowed):
    r = start(api, everyone[role], slug)
    assert r.status_code == (201 if allowed else 403), r.get_json()


@pytest.mark.parametrize("slug,starter,role,allowed", [
    ("fire-safety", "staff", "owner", True), ("fire-safety", "staff", "vendor", True),
    ("notices", "staff", "owner", False), ("committee", "committee", "owner", False),
    ("neighbours", "owner", "vendor", False), ("neighbours", "owner", "resident", True),
])
def test_who_may_reply(api, everyone, slug, starter, role, allowed):
    thread_id = start(api, everyone[starter], slug).get_json()["id"]
    r = api.post(f"/threads/{thread_id}/posts", user=everyone[role], json={"body": "收到，谢谢通知。"})
    assert r.status_code == (201 if allowed else 403)


def test_thread_page_shape_and_nesting(api, owner, resident, committee_member):
    thread_id = start(api, owner).get_json()["id"]
    first = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "几点开始？"}).get_json()["id"]
    second = api.post(f"/threads/{thread_id}/posts", user=owner,
                      json={"body": "上午九点。", "parent_id": first}).get_json()["id"]
    third = api.post(f"/threads/{thread_id}/posts", user=committee_member,
                     json={"body": "业委会已知悉。", "parent_id": second}).get_json()["id"]
    page = api.get(f"/threads/{thread_id}", user=resident).get_json()
    assert {"id", "title", "author", "body_html", "locked", "pinned", "posts"} <= set(page)
    assert page["title"] == "电梯维修通知" and "<p>" in page["body_html"]
    assert [(p["id"], p["parent_id"]) for p in page["posts"]] == [(first, None), (second, first), (third, second)]
    post = page["posts"][0]
    assert set(post) >= {"id", "parent_id", "author", "body_html", "status", "created_at", "edited"}
    assert post["author"] == {"id": resident.id, "display_name": "租客小赵", "building": "2", "role": "resident",
                              "committee": False}


def test_parent_must_belong_to_the_thread(api, owner):
    a = start(api, owner).get_json()["id"]
    b = start(api, owner, title="另一个话题", body="另一个话题的内容").get_json()["id"]
    post = api.post(f"/threads/{a}/posts", user=owner, json={"body": "第一条回复"}).get_json()["id"]
    r = api.post(f"/threads/{b}/posts", user=owner, json={"body": "错位回复", "parent_id": post})
    assert r.status_code == 400 and error_of(r)["field"] == "parent_id"
    r = api.post(f"/threads/{b}/posts", user=owner, json={"body": "错位回复", "parent_id": "x"})
    assert r.status_code == 400


@pytest.mark.parametrize("body,field", [
    ({"title": "", "body": "内容内容"}, "title"), ({"title": "标题", "body": ""}, "body"),
    ({"title": "x" * 121, "body": "内容内容"}, "title"), ({"title": "标题", "body": 5}, "body"),
    ({"body": "内容内容"}, "title"),
])
def test_bad_thread_input(api, owner, body, field):
    r = api.post("/boards/neighbours/threads", user=owner, json=body)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_unknown_board_and_thread(api, owner):
    assert start(api, owner, "nope").status_code == 404
    assert api.get("/threads/999", user=owner).status_code == 404
    assert api.post("/threads/999/posts", user=owner, json={"body": "你好你好"}).status_code == 404


def test_locked_thread_refuses_replies(api, owner, resident, staff):
    from community.boards.models import Thread
    thread_id = start(api, owner).get_json()["id"]
    db.session.get(Thread, thread_id).locked = True
    db.session.commit()
    r = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "还能回复吗"})
    assert r.status_code == 403
    assert api.get(f"/threads/{thread_id}", user=resident).get_json()["locked"] is True


def test_pinned_threads_come_first(api, owner, staff):
    from community.boards.models import Thread
    ids = [start(api, owner, title=f"话题{i}", body=f"内容编号{i}").get_json()["id"] for i in range(3)]
    db.session.get(Thread, ids[0]).pinned = True
    db.session.commit()
    items = api.get("/boards/neighbours/threads", user=staff).get_json()["items"]
    assert [t["id"] for t in items] == [ids[0], ids[2], ids[1]]


def test_thread_list_paging(api, owner):
    ids = [start(api, owner, title=f"话题{i}", body=f"内容编号{i}").get_json()["id"] for i in range(5)]
    first = api.get("/boards/neighbours/threads?limit=2", user=owner).get_json()
    assert [t["id"] for t in first["items"]] == [ids[4], ids[3]] and first["next"]
    second = api.get(f"/boards/neighbours/threads?limit=2&before={first['next']}", user=owner).get_json()
    assert [t["id"] for t in second["items"]] == [ids[2], ids[1]]
    third = api.get(f"/boards/neighbours/threads?limit=2&before={second['next']}", user=owner).get_json()
    assert [t["id"] for t in third["items"]] == [ids[0]] and third["next"] is None
    for garbage in ("garbage", "2:2026-11-27T10:00:00:1", "1:not-a-time:1", "0:2026-11-27T10:00:00:x", "0:"):
        response = api.get("/boards/neighbours/threads", user=owner, query_string={"before": garbage})
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "before", garbage


def test_thread_list_paging_survives_a_reply_between_pages(api, owner, resident):
    """A thread on the first page that gets a reply moves to the top; the second page goes on from where the
    first ended, neither skipping nor repeating."""
    ids = [start(api, owner, title=f"话题{i}", body=f"内容编号{i}").get_json()["id"] for i in range(5)]
    first = api.get("/boards/neighbours/threads?limit=2", user=owner).get_json()
    assert [t["id"] for t in first["items"]] == [ids[4], ids[3]]
    assert api.post(f"/threads/{ids[3]}/posts", user=resident, json={"body": "顶一下"}).status_code == 201
    second = api.get("/boards/neighbours/threads", user=owner,
                     query_string={"limit": 2, "before": first["next"]}).get_json()
    assert [t["id"] for t in second["items"]] == [ids[2], ids[1]]


def test_unread_markers(api, owner, resident):
    thread_id = start(api, owner).get_json()["id"]
    assert api.get("/boards/neighbours/threads", user=resident).get_json()["items"][0]["unread"] is True
    api.get(f"/threads/{thread_id}", user=resident)
    assert api.get("/boards/neighbours/threads", user=resident).get_json()["items"][0]["unread"] is False
    api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "补充一下时间"})
    assert api.get("/boards/neighbours/threads", user=resident).get_json()["items"][0]["unread"] is True


def test_edit_keeps_history(api, owner, resident, staff, committee_member):
    thread_id = start(api, owner).get_json()["id"]
    post_id = api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "第一版内容"}).get_json()["id"]
    assert api.patch(f"/posts/{post_id}", user=resident, json={"body": "篡改内容"}).status_code == 403
    r = api.patch(f"/posts/{post_id}", user=owner, json={"body": "第二版内容"})
    assert r.status_code == 200 and r.get_json()["edited"] is True
    api.patch(f"/posts/{post_id}", user=owner, json={"body": "第三版内容"})
    for viewer in (staff, committee_member):
        history = api.get(f"/posts/{post_id}/revisions", user=viewer).get_json()["items"]
        assert [h["body"] for h in history] == ["第一版内容", "第二版内容"]
    assert api.get(f"/posts/{post_id}/revisions", user=resident).status_code == 403
    page = api.get(f"/threads/{thread_id}", user=resident).get_json()
    assert "第三版内容" in page["posts"][0]["body_html"] and page["posts"][0]["edited"] is True


def test_reply_and_mention_notify(api, owner, resident, committee_member):
    thread_id = start(api, owner).get_json()["id"]
    api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "@李老师 您看看这个问题"})
    mine = api.get("/notifications", user=owner).get_json()
    assert mine["unread"] == 1 and mine["items"][0]["kind"] == "reply"
    assert mine["items"][0]["actor"]["display_name"] == "租客小赵"
    theirs = api.get("/notifications", user=committee_member).get_json()
    assert theirs["items"][0]["kind"] == "mention" and theirs["items"][0]["thread_id"] == thread_id
    page = api.get(f"/threads/{thread_id}", user=owner).get_json()
    assert "mention" in page["posts"][0]["body_html"]
    assert api.post("/notifications/read", user=owner, json={}).get_json()["marked"] == 1
    assert api.get("/notifications", user=owner).get_json()["unread"] == 0


def test_no_notification_for_own_reply(api, owner):
    thread_id = start(api, owner).get_json()["id"]
    api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "自己补充一句"})
    assert api.get("/notifications", user=owner).get_json()["unread"] == 0


def test_markdown_is_sanitised(api, owner, resident):
    thread_id = start(api, owner, body="**重要** <script>alert(1)</script> [链接](javascript:alert(1))").get_json()["id"]
    html = api.get(f"/threads/{thread_id}", user=resident).get_json()["body_html"]
    assert "<strong>重要</strong>" in html and "<script" not in html and 'href="javascript:' not in html


def test_pending_user_cannot_post(pending):
    from community.boards import services
    from community.core.errors import Denied
    with pytest.raises(Denied) as caught:
        services.start_thread(pending, "neighbours", "标题标题", "内容内容")
    assert caught.value.code == "pending_approval"


def test_anonymous_cannot_read(api, owner):
    thread_id = start(api, owner).get_json()["id"]
    assert api.get(f"/threads/{thread_id}").status_code == 401
    assert api.get("/boards").status_code == 401
