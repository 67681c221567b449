"""Chat over real Socket.IO test clients sharing the app: connects, joins, sends under the rules."""

import contextvars

import pytest

from community.extensions import db, socketio
from community.rules import services as rules
from tests.fixtures.people import set_policy
from tests.statements import recorded


class Socket:
    """A Socket.IO test client whose calls run in a fresh context, like a separate connection would."""

    def __init__(self, app, api, user=None, token=None, flask_client=None):
        auth = {"token": token or api.token_for(user)} if (user or token) else None
        self._client = self._run(socketio.test_client, app, auth=auth, flask_test_client=flask_client)

    @staticmethod
    def _run(fn, *args, **kwargs):
        return contextvars.Context().run(fn, *args, **kwargs)

    @property
    def connected(self) -> bool:
        return self._client.is_connected()

    def emit(self, event, data=None):
        return self._run(self._client.emit, event, data, callback=True)

    def received(self, name="message") -> list:
        """What the server sent since the last look (kept even after a disconnect)."""
        packets, self._client.queue = self._client.queue, []
        return [p["args"] if isinstance(p["args"], dict) else p["args"][0] for p in packets if p["name"] == name]

    def disconnect(self):
        if self._client.is_connected():
            self._run(self._client.disconnect)


@pytest.fixture
def connect(app, api):
    made = []

    def make(user=None, **kwargs):
        sock = Socket(app, api, user, **kwargs)
        made.append(sock)
        return sock
    yield make
    for sock in made:
        sock.disconnect()


@pytest.fixture(autouse=True)
def relaxed(app):
    set_policy(chat_interval_s=0, chat_max_per_minute=1000)


def test_anonymous_and_bad_tokens_are_refused(connect):
    assert connect().connected is False
    assert connect(token="nonsense").connected is False


def test_pending_user_is_refused(make_app, make_user):
    from tests.test_web import login
    user = make_user(approve=False)
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login(client, user.phone)
    sock = Socket(app, None, flask_client=client)
    assert sock.connected is False


def test_session_cookie_connects(make_app, owner):
    from tests.test_web import login
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login(client, owner.phone)
    sock = Socket(app, None, flask_client=client)
    assert sock.connected
    sock.disconnect()


def test_join_gives_history_and_send_broadcasts(connect, owner, committee_member):
    a, b = connect(owner), connect(committee_member)
    assert a.emit("join", {"room": "lobby"})["ok"] is True
    assert b.emit("join", {"room": "lobby"})["ok"] is True
    ack = a.emit("send", {"room": "lobby", "body": "大家好，今晚有停水通知吗？", "client_id": "c-1"})
    assert ack["ok"] is True and ack["status"] == "visible" and isinstance(ack["id"], int)
    got = b.received()
    assert len(got) == 1 and got[0]["id"] == ack["id"] and got[0]["client_id"] == "c-1"
    assert set(got[0]) >= {"id", "room", "author", "body_html", "created_at", "client_id"}
    assert got[0]["author"]["display_name"] == "一栋老王"
    history = connect(committee_member).emit("join", {"room": "lobby"})["history"]
    assert [m["id"] for m in history] == [ack["id"]]


def test_building_rooms(connect, owner, resident, staff):
    assert connect(owner).emit("join", {"room": "building-1"})["ok"] is True
    denied = connect(resident).emit("join", {"room": "building-1"})
    assert denied["ok"] is False and denied["error"]["code"] == "not_found"
    assert connect(resident).emit("join", {"room": "building-2"})["ok"] is True
    assert connect(staff).emit("join", {"room": "building-1"})["ok"] is True
    assert connect(owner).emit("join", {"room": "building-99"})["error"]["code"] == "not_found"


def test_announcements_read_only_for_residents(connect, owner, staff):
    sock = connect(owner)
    sock.emit("join", {"room": "announcements"})
    ack = sock.emit("send", {"room": "announcements", "body": "我也想发公告", "client_id": "x1"})
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert connect(staff).emit("send", {"room": "announcements", "body": "明天上午停电检修",
                                        "client_id": "s1"})["ok"] is True
    assert [m["body_html"] for m in sock.received()] == ["明天上午停电检修"]


def test_block_answers_with_clause(connect, owner):
    ack = connect(owner).emit("send", {"room": "lobby", "body": "推荐赌博网站", "client_id": "b1"})
    assert ack["ok"] is False and ack["error"]["code"] == "rule_violation" and ack["error"]["clause"] == "2.1"


def test_mask_broadcasts_masked_text(connect, owner, resident):
    listener = connect(resident)
    listener.emit("join", {"room": "lobby"})
    connect(owner).emit("send", {"room": "lobby", "body": "你真是个王八蛋", "client_id": "m1"})
    (got,) = listener.received()
    assert "王八蛋" not in got["body_html"] and "***" in got["body_html"]


def test_hold_reaches_only_sender_and_staff_in_the_room(connect, owner, resident, staff):
    listener, watcher, sender = connect(resident), connect(staff), connect(owner)
    listener.emit("join", {"room": "lobby"})
    watcher.emit("join", {"room": "lobby"})
    ack = sender.emit("send", {"room": "lobby", "body": "低息贷款找我", "client_id": "h1"})
    assert ack["ok"] is True and ack["status"] == "held"
    assert listener.received() == []
    assert [m["status"] for m in watcher.received()] == ["held"]
    assert [m["id"] for m in sender.received()] == [ack["id"]]
    assert connect(resident).emit("join", {"room": "lobby"})["history"] == []


def test_interval_and_minute_cap(connect, owner):
    set_policy(chat_interval_s=0, chat_max_per_minute=3)
    sock = connect(owner)
    acks = [sock.emit("send", {"room": "lobby", "body": f"第{i}条消息", "client_id": f"r{i}"}) for i in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[3]["error"]["code"] == "rule_violation"
    set_policy(chat_interval_s=30, chat_max_per_minute=100)
    assert sock.emit("send", {"room": "lobby", "body": "太快了吗", "client_id": "r9"})["ok"] is False


def test_a_message_costs_three_statements_and_nothing_after_its_insert(connect, owner, resident, staff):
    """The user with their standing (suspension included) and the adopted rules (number and policy), the
    author's history, the insert: a budget, like Zulip's query counts, so that a lazy load, a second rules read,
    an ORM flush or a reload after the commit shows up here. The same for a resident, whose building room needs
    their units (and the room its building's lookup), and nothing more for a message that reaches many
    listeners."""

    listeners = [connect(resident) for _ in range(3)]
    for sock in listeners:
        assert sock.emit("join", {"room": "lobby"})["ok"] is True
    sock, neighbour = connect(owner), connect(resident)
    building = next(iter(resident.building_codes))
    assert sock.emit("send", {"room": "lobby", "body": "先说一句", "client_id": "s0"})["ok"] is True
    with recorded() as first:
        ack = sock.emit("send", {"room": "lobby", "body": "再说一句", "client_id": "s1"})
    with recorded() as statements:
        own = neighbour.emit("send", {"room": f"building-{building}", "body": "楼里的事", "client_id": "b1"})
    assert ack["ok"] is True and own["ok"] is True, own
    assert len(first) == 3, first
    assert first[0].startswith("SELECT users.") and "sanctions" in first[0] and "rules_versions" in first[0]
    assert "messages" in first[1]
    assert first[-1].startswith("INSERT INTO messages")
    # a building room is looked up by its code: one statement more
    assert len(statements) == 4 and any("FROM buildings" in s for s in statements[1:3]), statements
    assert statements[-1].startswith("INSERT INTO messages")
    assert all([m["client_id"] for m in sock.received()] == ["s0", "s1"] for sock in listeners)


def test_a_resend_answers_the_stored_message_even_when_the_rules_would_refuse_it(connect, owner, resident):
    """No lookup before the insert: the unique (author, client_id) or the repeat rule refuses the resend, and the
    stored message is answered, broadcast once."""
    set_policy(chat_interval_s=0, chat_max_per_minute=2)
    listener = connect(resident)
    listener.emit("join", {"room": "lobby"})
    sender = connect(owner)
    first = sender.emit("send", {"room": "lobby", "body": "门口有快递", "client_id": "c1"})
    second = sender.emit("send", {"room": "lobby", "body": "谁的快递", "client_id": "c2"})
    again = sender.emit("send", {"room": "lobby", "body": "门口有快递", "client_id": "c1"})  # over the cap
    assert first["ok"] and second["ok"] and again == first
    set_policy(chat_interval_s=0, chat_max_per_minute=100)
    assert sender.emit("send", {"room": "lobby", "body": "门口有快递", "client_id": "c1"}) == first  # a repeat
    assert sender.emit("send", {"room": "lobby", "body": "   ", "client_id": "c2"}) == second  # empty resend
    assert [m["client_id"] for m in listener.received()] == ["c1", "c2"]


def test_policy_changed_by_another_process_applies_to_the_next_message(connect, owner):
    """The compiled policy is cached per process: a change written straight to the database, as another
    process would, must still be enforced on the next message."""
    from sqlalchemy import update

    from community.rules.models import RulesVersion

    sock = connect(owner)
    assert sock.emit("send", {"room": "lobby", "body": "团购群今晚开团", "client_id": "g1"})["ok"] is True
    current = rules.current()
    words = current.policy["words"] + [{"word": "团购群", "action": "block", "clause": "2.1"}]
    with db.engine.begin() as conn:
        conn.execute(update(RulesVersion).where(RulesVersion.version == current.version)
                     .values(policy={**current.policy, "words": words}))
    ack = sock.emit("send", {"room": "lobby", "body": "团购群明天继续", "client_id": "g2"})
    assert ack["ok"] is False and ack["error"]["code"] == "rule_violation" and ack["error"]["clause"] == "2.1"


def test_resend_is_idempotent(connect, owner, resident):
    listener = connect(resident)
    listener.emit("join", {"room": "lobby"})
    sender = connect(owner)
    first = sender.emit("send", {"room": "lobby", "body": "重复发送测试", "client_id": "same"})
    again = sender.emit("send", {"room": "lobby", "body": "重复发送测试", "client_id": "same"})
    assert first["id"] == again["id"]
    assert len(listener.received()) == 1


def test_bad_payloads(connect, owner):
    sock = connect(owner)
    assert sock.emit("send", {"room": "lobby", "body": "hi there"})["error"]["field"] == "client_id"
    assert sock.emit("send", {"room": "lobby", "body": "", "client_id": "e1"})["error"]["field"] == "body"
    too_long = sock.emit("send", {"room": "lobby", "body": "x" * 2001, "client_id": "e2"})["error"]
    assert too_long["code"] == "rule_violation" and too_long["clause"]  # the rules' max_length_chat
    assert sock.emit("send", {"room": "lobby", "body": "x" * 20_001, "client_id": "e3"})["error"]["field"] == "body"
    assert sock.emit("send", "garbage")["ok"] is False
    assert sock.emit("join", None)["error"]["code"] == "not_found"


def test_catch_up_after_reconnect(connect, api, owner, resident):
    sender = connect(owner)
    first = sender.emit("send", {"room": "lobby", "body": "第一条", "client_id": "k1"})["id"]
    second = sender.emit("send", {"room": "lobby", "body": "第二条", "client_id": "k2"})["id"]
    third = sender.emit("send", {"room": "lobby", "body": "第三条", "client_id": "k3"})["id"]
    r = api.get(f"/chat/rooms/lobby/messages?after={first}", user=resident)
    assert [m["id"] for m in r.get_json()["items"]] == [second, third]
    older = api.get(f"/chat/rooms/lobby/messages?before={third}&limit=1", user=resident).get_json()
    assert [m["id"] for m in older["items"]] == [second]


def test_rooms_list_with_unread(api, connect, owner, resident, staff):
    connect(owner).emit("send", {"room": "lobby", "body": "有人在吗", "client_id": "u1"})
    rooms = {r["slug"]: r for r in api.get("/chat/rooms", user=resident).get_json()["items"]}
    assert set(rooms) == {"lobby", "announcements", "building-2", f"desk-{resident.id}"}
    assert rooms["lobby"]["unread"] == 1 and rooms["announcements"]["can_send"] is False
    assert set(rooms["lobby"]) >= {"slug", "name", "kind", "can_send"}
    api.post("/chat/rooms/lobby/read", user=resident)
    rooms = {r["slug"]: r for r in api.get("/chat/rooms", user=resident).get_json()["items"]}
    assert rooms["lobby"]["unread"] == 0
    staff_rooms = {r["slug"] for r in api.get("/chat/rooms", user=staff).get_json()["items"]}
    assert "staff" in staff_rooms and "committee" not in staff_rooms


def test_rooms_unread_counts_come_in_one_statement(api, connect, owner, resident):
    """Every room's count after the reader's own marker, others' visible messages only; however many rooms have
    news, the list costs the same statements."""
    def rooms():
        with recorded(request_path_only=True) as seen:
            items = api.get("/chat/rooms", user=resident).get_json()["items"]
        return {r["slug"]: r["unread"] for r in items}, len(seen)

    quiet_counts, few = rooms()
    assert set(quiet_counts.values()) == {0}
    writer, me = connect(owner), connect(resident)
    writer.emit("send", {"room": "lobby", "body": "第一条", "client_id": "n1"})
    api.post("/chat/rooms/lobby/read", user=resident)
    writer.emit("send", {"room": "lobby", "body": "第二条", "client_id": "n2"})
    writer.emit("send", {"room": "lobby", "body": "第三条", "client_id": "n3"})
    me.emit("send", {"room": "lobby", "body": "我自己的", "client_id": "n4"})
    me.emit("send", {"room": "building-2", "body": "楼里有人吗", "client_id": "n5"})
    assert connect(owner).emit("send", {"room": f"desk-{resident.id}", "body": "x", "client_id": "n6"})["ok"] \
        is False, "only the resident and the desk write there"
    counts, many = rooms()
    assert counts["lobby"] == 2, "after the marker, not my own"
    assert counts["building-2"] == 0 and counts["announcements"] == 0
    # Pinned: the token with its user and standing, the reader's units (their building rooms), then the counts
    # of every room after the reader's markers.
    assert many == few == 3, many


def test_staff_remove_message(api, connect, owner, resident, staff, admin):
    listener = connect(resident)
    listener.emit("join", {"room": "lobby"})
    message_id = connect(owner).emit("send", {"room": "lobby", "body": "要删除的消息", "client_id": "d1"})["id"]
    assert api.delete(f"/chat/messages/{message_id}", user=resident).status_code == 403
    assert api.delete(f"/chat/messages/{message_id}", user=staff, json={"reason": "广告"}).status_code == 204
    assert listener.received("message_removed") == [{"id": message_id, "room": "lobby"}]
    assert api.get("/chat/rooms/lobby/messages", user=resident).get_json()["items"] == []
    from community.chat.models import Message
    assert db.session.get(Message, message_id) is not None
    log = api.get("/audit?limit=200", user=admin).get_json()["items"]
    assert any(e["action"] == "chat.removed" and e["target"] == f"message:{message_id}" for e in log)


def test_front_desk(api, connect, owner, staff, committee_member):
    sock = connect(owner)
    desk = f"desk-{owner.id}"
    assert sock.emit("join", {"room": desk})["ok"] is True
    sock.emit("send", {"room": desk, "body": "我家水管漏水了", "client_id": "w1"})
    waiting = api.get("/chat/desk", user=staff).get_json()["items"]
    assert waiting[0]["room"] == desk and waiting[0]["waiting_since"] is not None
    assert api.get("/chat/desk", user=committee_member).status_code == 200
    assert api.get("/chat/desk", user=owner).status_code == 403
    staff_sock = connect(staff)
    staff_sock.emit("join", {"room": desk})
    staff_sock.emit("send", {"room": desk, "body": "师傅十分钟后上门", "client_id": "w2"})
    assert [m["body_html"] for m in sock.received()][-1] == "师傅十分钟后上门"
    assert api.get("/chat/desk", user=staff).get_json()["items"][0]["waiting_since"] is None
    assert api.post(f"/chat/desk/{owner.id}/close", user=committee_member).status_code == 403
    assert api.post(f"/chat/desk/{owner.id}/close", user=staff).status_code == 204
    assert api.get("/chat/desk", user=staff).get_json()["items"] == []
    other = connect(committee_member)
    assert other.emit("join", {"room": desk})["ok"] is True  # overseers read along
    assert other.emit("send", {"room": desk, "body": "插话", "client_id": "w3"})["ok"] is False


def test_standing_rechecked_on_every_event(connect, owner):
    sock = connect(owner)
    assert sock.emit("join", {"room": "lobby"})["ok"] is True
    owner.status = "blacklisted"
    db.session.commit()
    ack = sock.emit("send", {"room": "lobby", "body": "还能说话吗", "client_id": "z1"})
    assert ack["ok"] is False and ack["error"]["code"] == "blacklisted"
    assert sock.connected is False


def test_new_rules_must_be_accepted_before_chatting(connect, owner, admin, api):
    current = rules.current()
    api.post("/rules", user=admin, json={"text": "v2", "clauses": current.clauses, "policy": current.policy})
    api.post("/rules/2/adopt", user=admin, json={})
    ack = connect(owner).emit("send", {"room": "lobby", "body": "新规则下说话", "client_id": "v1"})
    assert ack["ok"] is False and ack["error"]["code"] == "rules_not_accepted"


def test_muted_user_cannot_send(connect, owner):
    from datetime import timedelta

    from community.core.timeutil import utcnow
    owner.muted_until = utcnow() + timedelta(hours=1)
    db.session.commit()
    ack = connect(owner).emit("send", {"room": "lobby", "body": "禁言中", "client_id": "q1"})
    assert ack["ok"] is False and ack["error"]["code"] == "muted"


def test_disconnect_user_closes_sockets(connect, owner):
    from community.chat import live
    sock = connect(owner)
    assert live.disconnect_user(owner.id, {"kind": "suspend", "until": None}) == 1
    assert sock.received("sanctioned") == [{"kind": "suspend", "until": None}]
    assert sock.connected is False


def test_report_a_message(api, connect, owner, resident):
    message_id = connect(owner).emit("send", {"room": "lobby", "body": "可以举报的消息", "client_id": "p1"})["id"]
    r = api.post("/reports", user=resident, json={"target": f"message:{message_id}", "clause": "2.2"})
    assert r.status_code == 201
