"""Moderation: actions, sanctions with expiry, blacklist, appeals, queue, committee oversight."""

from datetime import timedelta

import pytest

from community.core.timeutil import frozen, utcnow
from tests.conftest import error_of
from tests.fixtures.people import PASSWORD, registration, set_policy


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0, chat_interval_s=0)


@pytest.fixture
def thread_id(api, owner):
    return api.post("/boards/neighbours/threads", user=owner,
                    json={"title": "小区停车问题", "body": "地库经常有外来车辆停放。"}).get_json()["id"]


def act(api, user, **body):
    return api.post("/moderation/actions", user=user, json=body)


def test_hide_and_restore_keep_content(api, staff, resident, admin, thread_id):
    r = act(api, staff, action="hide", target=f"thread:{thread_id}", clause="2.4", reason="不实信息")
    assert r.status_code == 201 and r.get_json()["sanction_id"] is None
    assert api.get(f"/threads/{thread_id}", user=resident).status_code == 404
    assert act(api, staff, action="hide", target=f"thread:{thread_id}").status_code == 409
    assert act(api, staff, action="restore", target=f"thread:{thread_id}", reason="核实无误").status_code == 201
    assert api.get(f"/threads/{thread_id}", user=resident).status_code == 200
    log = api.get("/moderation/log", user=admin).get_json()["items"]
    hide = next(a for a in log if a["action"] == "hide")
    assert hide["snapshot"]["title"] == "小区停车问题" and hide["clause"] == "2.4"


def test_approve_held_reply(api, staff, owner, resident, thread_id):
    post = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "需要的话加微信"}).get_json()
    assert post["status"] == "held"
    queue = api.get("/moderation/queue", user=staff).get_json()["items"]
    assert any(i["target"] == f"post:{post['id']}" and i["held"] for i in queue)
    assert act(api, staff, action="approve", target=f"post:{post['id']}").status_code == 201
    assert len(api.get(f"/threads/{thread_id}", user=owner).get_json()["posts"]) == 1


def test_lock_pin(api, staff, resident, thread_id):
    assert act(api, staff, action="lock", target=f"thread:{thread_id}").status_code == 201
    assert api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "锁了吗"}).status_code == 403
    assert act(api, staff, action="unlock", target=f"thread:{thread_id}").status_code == 201
    assert act(api, staff, action="pin", target=f"thread:{thread_id}").status_code == 201
    assert api.get(f"/threads/{thread_id}", user=resident).get_json()["pinned"] is True
    assert act(api, staff, action="lock", target=f"user:{resident.id}").status_code == 400


@pytest.mark.parametrize("action", ["warn", "mute", "suspend", "blacklist"])
def test_sanctions_need_clause_and_reason(api, staff, owner, action):
    base = {"action": action, "target": f"user:{owner.id}", "hours": 24}
    assert error_of(act(api, staff, **base, reason="x"))["field"] == "clause"
    assert error_of(act(api, staff, **base, clause="2.2"))["field"] == "reason"
    assert act(api, staff, **base, clause="2.2", reason="辱骂邻居").status_code == 201


@pytest.mark.parametrize("hours", [None, 0, -1, "24", 10**9])
def test_mute_needs_hours(api, staff, owner, hours):
    r = act(api, staff, action="mute", target=f"user:{owner.id}", clause="2.2", reason="x", hours=hours)
    assert r.status_code == 400 and error_of(r)["field"] == "hours"


def test_warning_is_shown_to_the_person(api, staff, owner):
    r = act(api, staff, action="warn", target=f"user:{owner.id}", clause="2.2", reason="言语不当")
    standing = api.get("/me/standing", user=owner).get_json()
    (s,) = standing["sanctions"]
    assert s["kind"] == "warn" and s["clause"] == "2.2" and s["reason"] == "言语不当" and s["clause_text"]
    assert s["sanction_id"] == r.get_json()["sanction_id"]
    assert api.get("/notifications", user=owner).get_json()["unread"] >= 1


def test_mute_blocks_posting_and_chat_until_expiry(api, staff, owner, thread_id):
    act(api, staff, action="mute", target=f"post:{0}", clause="2.2", reason="x", hours=1)  # 404: no post 0
    r = act(api, staff, action="mute", target=f"thread:{thread_id}", clause="2.2", reason="刷屏", hours=24)
    assert r.status_code == 201
    reply = api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "我还能说话吗"})
    assert reply.status_code == 403 and error_of(reply)["code"] == "muted" and error_of(reply)["until"]
    assert api.get(f"/threads/{thread_id}", user=owner).status_code == 200  # may still read
    with frozen(utcnow() + timedelta(hours=25)):
        assert api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "禁言结束了"}).status_code == 201


def test_suspend_revokes_tokens_and_expires(api, staff, owner):
    token = api.token_for(owner)
    r = act(api, staff, action="suspend", target=f"user:{owner.id}", clause="2.2", reason="多次违规", hours=72)
    sanction_id = r.get_json()["sanction_id"]
    assert api.get("/me", token=token).status_code == 401
    refused = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD})
    err = error_of(refused)
    assert refused.status_code == 403 and err["code"] == "suspended"
    assert err["sanction_id"] == sanction_id and err["until"] and "reentry" in err and err["clause"] == "2.2"
    with frozen(utcnow() + timedelta(hours=73)):
        assert api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).status_code == 200


def test_blacklist_removes_at_once_and_blocks_reregistration(api, client, staff, owner, roster):
    with client.session_transaction() as session:
        session["_user_id"] = owner.get_id()
    assert client.get("/").status_code == 200
    token = api.token_for(owner)
    r = act(api, staff, action="blacklist", target=f"user:{owner.id}", clause="2.1", reason="诈骗",
            reentry="一年后可向物业申请，并重新确认规则")
    assert r.status_code == 201
    assert api.get("/me", token=token).status_code == 401
    assert client.get("/").status_code == 302  # web session ended
    err = error_of(api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}))
    assert err["code"] == "blacklisted" and err["until"] is None and "一年后" in err["reentry"]
    again = api.post("/auth/register", json=registration(phone=owner.phone))
    assert again.status_code == 403 and error_of(again)["code"] == "blacklisted"
    from tests.fixtures.people import id_number
    same_person = api.post("/auth/register", json=registration(id_number=id_number(1), real_name="王伟",
                                                               unit="1-1-101", relation="owner"))
    assert same_person.status_code == 403


def test_appeal_flow(api, staff, owner, admin):
    sanction_id = act(api, staff, action="suspend", target=f"user:{owner.id}", clause="2.2", reason="误判",
                      hours=24).get_json()["sanction_id"]
    body = {"phone": owner.phone, "password": PASSWORD, "sanction_id": sanction_id, "text": "我没有辱骂任何人"}
    assert api.post("/appeals", json=body | {"password": "wrong-pass-1"}).status_code == 401
    r = api.post("/appeals", json=body)
    assert r.status_code == 201 and r.get_json()["status"] == "open"
    assert api.post("/appeals", json=body).status_code == 409
    appeal_id = r.get_json()["id"]
    assert api.post(f"/appeals/{appeal_id}/decide", user=staff, json={"outcome": "lifted"}).status_code == 400
    decided = api.post(f"/appeals/{appeal_id}/decide", user=staff, json={"outcome": "lifted", "reason": "证据不足"})
    assert decided.status_code == 200 and decided.get_json()["status"] == "lifted"
    assert api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).status_code == 200
    assert api.post(f"/appeals/{appeal_id}/decide", user=staff,
                    json={"outcome": "upheld", "reason": "x"}).status_code == 409
    standing = api.get("/me/standing", user=owner).get_json()
    assert standing["sanctions"][0]["appeal"]["status"] == "lifted"


def test_appeal_of_someone_elses_sanction(api, staff, owner, resident):
    sanction_id = act(api, staff, action="warn", target=f"user:{owner.id}", clause="2.2",
                      reason="x").get_json()["sanction_id"]
    r = api.post("/appeals", json={"phone": resident.phone, "password": PASSWORD, "sanction_id": sanction_id,
                                   "text": "不是我的"})
    assert r.status_code == 404


def test_lift(api, staff, owner):
    sanction_id = act(api, staff, action="mute", target=f"user:{owner.id}", clause="2.2", reason="x",
                      hours=48).get_json()["sanction_id"]
    r = act(api, staff, action="lift", target=f"sanction:{sanction_id}", reason="已道歉")
    assert r.status_code == 201
    assert api.get("/me", user=owner).get_json()["muted_until"] is None
    assert act(api, staff, action="lift", target=f"sanction:{sanction_id}").status_code == 409
    assert act(api, staff, action="lift", target="user:1").status_code == 400


def test_escalation_suggestion(api, staff, owner, committee_member):
    def suggest():
        return api.get(f"/moderation/users/{owner.id}/suggestion", user=staff).get_json()
    assert suggest()["action"] == "warn"
    act(api, staff, action="warn", target=f"user:{owner.id}", clause="2.2", reason="第一次")
    assert suggest() == {"action": "mute", "hours": 24, "previous": 1}
    act(api, staff, action="mute", target=f"user:{owner.id}", clause="2.2", reason="第二次", hours=24)
    assert suggest()["hours"] == 72
    act(api, staff, action="mute", target=f"user:{owner.id}", clause="2.2", reason="第三次", hours=72)
    assert suggest() == {"action": "suspend", "hours": 168, "previous": 3}
    act(api, staff, action="suspend", target=f"user:{owner.id}", clause="2.2", reason="第四次", hours=168)
    assert suggest()["hours"] == 720
    act(api, staff, action="suspend", target=f"user:{owner.id}", clause="2.2", reason="第五次", hours=720)
    assert suggest()["action"] == "blacklist"
    assert api.get(f"/moderation/users/{owner.id}/suggestion", user=committee_member).status_code == 200


def test_queue_groups_reports_and_claims(api, staff, admin, owner, resident, vendor, committee_member, thread_id):
    for user, clause in ((resident, "2.2"), (vendor, "2.4")):
        api.post("/reports", user=user, json={"target": f"thread:{thread_id}", "clause": clause, "note": "看看"})
    item = next(i for i in api.get("/moderation/queue", user=staff).get_json()["items"]
                if i["target"] == f"thread:{thread_id}")
    assert item["reports"] == 2 and set(item["clauses"]) == {"2.2", "2.4"} and item["preview"] == "小区停车问题"
    assert api.post("/moderation/queue/claim", user=staff, json={"target": f"thread:{thread_id}"}).status_code == 200
    other = api.post("/moderation/queue/claim", user=admin, json={"target": f"thread:{thread_id}"})
    assert other.status_code == 409
    act(api, staff, action="hide", target=f"thread:{thread_id}", clause="2.2", reason="核实")
    assert not [i for i in api.get("/moderation/queue", user=staff).get_json()["items"]
                if i["target"] == f"thread:{thread_id}"]
    assert api.get("/moderation/queue", user=committee_member).status_code == 200


def test_chat_message_hidden_by_action(app, api, staff, owner):
    from tests.test_chat import Socket
    sock = Socket(app, api, owner)
    message_id = sock.emit("send", {"room": "lobby", "body": "一条要隐藏的聊天", "client_id": "mod1"})["id"]
    sock.emit("join", {"room": "lobby"})
    assert act(api, staff, action="hide", target=f"message:{message_id}", clause="2.2", reason="x").status_code == 201
    assert sock.received("message_removed") == [{"id": message_id, "room": "lobby"}]
    sock.disconnect()


def test_suspension_disconnects_sockets(app, api, staff, owner):
    from tests.test_chat import Socket
    sock = Socket(app, api, owner)
    assert sock.connected
    act(api, staff, action="suspend", target=f"user:{owner.id}", clause="2.2", reason="x", hours=1)
    assert sock.connected is False
    assert sock.received("sanctioned")[0]["kind"] == "suspend"


def test_staff_cannot_be_sanctioned(api, admin, staff):
    assert act(api, admin, action="mute", target=f"user:{staff.id}", clause="2.2", reason="x",
               hours=1).status_code == 400


def test_oversight_reads(api, staff, committee_member, owner, resident, thread_id):
    act(api, staff, action="hide", target=f"thread:{thread_id}", clause="2.4", reason="不实")
    hidden = api.get("/moderation/hidden", user=committee_member).get_json()["items"]
    assert hidden[0]["target"] == f"thread:{thread_id}" and hidden[0]["hidden_by"] == staff.id
    api.post(f"/moderation/users/{owner.id}/notes", user=staff, json={"text": "多次发布停车纠纷"})
    notes = api.get(f"/moderation/users/{owner.id}/notes", user=committee_member).get_json()["items"]
    assert notes[0]["text"] == "多次发布停车纠纷"
    figures = api.get("/moderation/figures", user=committee_member).get_json()["months"]
    assert figures and figures[-1]["actions_by_staff"] == {str(staff.id): 1}
    assert api.get("/moderation/log", user=resident).status_code == 403


def test_figures_from_known_data(api, staff, resident, vendor, committee_member, thread_id):
    start = utcnow()
    with frozen(start):
        api.post("/reports", user=resident, json={"target": f"thread:{thread_id}", "clause": "2.2"})
    with frozen(start + timedelta(minutes=30)):
        act(api, staff, action="hide", target=f"thread:{thread_id}", clause="2.2", reason="x")
    month = api.get("/moderation/figures", user=committee_member).get_json()["months"][-1]
    assert month["reports"] == 1 and month["median_minutes_to_handle"] == 30.0


STAFF_WRITES = [
    ("POST", "/moderation/actions", {"action": "hide", "target": "thread:1"}),
    ("POST", "/moderation/queue/claim", {"target": "thread:1"}),
    ("POST", "/appeals/1/decide", {"outcome": "lifted", "reason": "x"}),
    ("POST", "/moderation/users/1/notes", {"text": "x"}),
    ("POST", "/registrations/1/approve", None),
    ("POST", "/registrations/1/reject", {"reason": "x"}),
    ("POST", "/units", {"units": [{"code": "9-9-9", "area": "1.00"}]}),
    ("PATCH", "/rules/policy", {"post_interval_s": 5}),
    ("DELETE", "/chat/messages/1", None),
    ("POST", "/chat/messages/1/approve", None),
    ("POST", "/chat/desk/1/close", None),
    ("POST", "/staff", {"real_name": "x", "phone": "13600000000", "password": "abcdefgh1"}),
    ("POST", "/committee/members", {"user_id": 1}),
    ("DELETE", "/committee/members/1", None),
    ("POST", "/rules", {"text": "x"}),
    ("POST", "/rules/1/adopt", None),
]


@pytest.mark.parametrize("method,path,body", STAFF_WRITES)
def test_committee_gets_403_on_every_staff_write(api, committee_member, thread_id, method, path, body):
    r = api.call(method, path, user=committee_member, json=body)
    assert r.status_code == 403, (path, r.get_json())


def test_committee_gets_refused_on_socket_staff_writes(app, api, committee_member, staff):
    from tests.test_chat import Socket
    sock = Socket(app, api, committee_member)
    assert sock.emit("send", {"room": "announcements", "body": "业委会不能发公告", "client_id": "c1"})["ok"] is False
    assert sock.emit("send", {"room": "staff", "body": "业委会不能在员工群发言", "client_id": "c2"})["ok"] is False
    sock.disconnect()


def test_audit_chain_still_verifies(api, staff, owner, admin, thread_id):
    act(api, staff, action="hide", target=f"thread:{thread_id}", clause="2.2", reason="x")
    act(api, staff, action="mute", target=f"user:{owner.id}", clause="2.2", reason="x", hours=2)
    body = api.get("/audit/verify", user=admin).get_json()
    assert body["ok"] is True


def test_a_reply_in_a_hidden_thread_cannot_be_edited(api, staff, resident, thread_id):
    reply = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "我也遇到过。"}).get_json()
    assert act(api, staff, action="hide", target=f"thread:{thread_id}", clause="2.4", reason="不实信息").status_code == 201
    response = api.patch(f"/posts/{reply['id']}", user=resident, json={"body": "改一下"})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_dismissing_reports_keeps_the_content_and_clears_the_queue(api, staff, resident, vendor, committee_member,
                                                                   thread_id):
    """Reports on content that breaks no rule are dismissed: nothing changes on the content, the reports close,
    the item leaves the queue, and the decision is logged and audited like any other."""
    for user in (resident, vendor):
        assert api.post("/reports", user=user, json={"target": f"thread:{thread_id}", "clause": "2.4"}).status_code \
            == 201
    assert act(api, committee_member, action="dismiss", target=f"thread:{thread_id}").status_code == 403
    r = act(api, staff, action="dismiss", target=f"thread:{thread_id}", reason="内容属实，未违反规则")
    assert r.status_code == 201 and r.get_json()["sanction_id"] is None
    assert not [i for i in api.get("/moderation/queue", user=staff).get_json()["items"]
                if i["target"] == f"thread:{thread_id}"]
    assert api.get(f"/threads/{thread_id}", user=resident).status_code == 200
    again = act(api, staff, action="dismiss", target=f"thread:{thread_id}")
    assert again.status_code == 409, "nothing left to dismiss"
    entries = api.get("/audit", user=committee_member).get_json()["items"]
    assert any(e["action"] == "moderation.dismiss" and e["target"] == f"thread:{thread_id}" for e in entries)
    # A new report after a dismissal opens the item again.
    assert api.post("/reports", user=committee_member, json={"target": f"thread:{thread_id}", "clause": "2.2"}) \
        .status_code == 201
    assert [i for i in api.get("/moderation/queue", user=staff).get_json()["items"]
            if i["target"] == f"thread:{thread_id}"]


def test_reply_counts_follow_what_readers_see(api, staff, owner, resident, thread_id):
    """Approving a held reply counts it and tells the author it answers; hiding takes it off the count and
    restoring puts it back."""
    def replies() -> int:
        items = api.get("/boards/neighbours/threads", user=owner).get_json()["items"]
        return next(t["replies"] for t in items if t["id"] == thread_id)

    def told() -> list[int]:
        from community.extensions import db
        from community.notifications.models import Notification
        return [n.post_id for n in db.session.query(Notification).filter_by(user_id=owner.id, kind="reply")]

    held = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "需要的话加微信"}).get_json()
    assert held["status"] == "held" and replies() == 0 and told() == []
    assert act(api, staff, action="approve", target=f"post:{held['id']}").status_code == 201
    assert replies() == 1 and told() == [held["id"]]
    assert act(api, staff, action="hide", target=f"post:{held['id']}", clause="2.2", reason="x").status_code == 201
    assert replies() == 0
    assert act(api, staff, action="restore", target=f"post:{held['id']}").status_code == 201
    assert replies() == 1 and told() == [held["id"]], "restoring is not news a second time"
