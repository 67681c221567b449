"""Rights that change reach open sockets, across two real server processes sharing Redis.

Each test changes someone's rights through the HTTP API of one process while their socket is held by the
other, and checks what that socket hears afterwards: a removed committee member and a seller leave their
rooms, a socket closes when the token or password it connected with ends, staff hear no held message of
the committee's room, and a sanction answers 201 and closes the sockets."""

import json
import urllib.error
import urllib.request
import uuid

import pytest
import socketio

from community import create_app
from community.accounts import services as accounts
from community.estate import services as estate
from community.extensions import db
from community.rules import services as rules
from tests.conftest import TEST_CONFIG
from tests.fixtures.people import PASSWORD, ROSTER, id_number, registration
from tests.test_chat_multiprocess import (  # noqa: F401  (fixtures)
    WAIT,
    channel,
    connect,
    require_redis,
    servers,
    wait_until,
)

pytestmark = pytest.mark.multiprocess

EXTRA_UNITS = [
    {"code": "4-1-101", "building": "4", "area": "88.00", "owners": [{"name": "陈静", "id_number": id_number(11)}]},
    {"code": "4-1-102", "building": "4", "area": "90.00", "owners": [{"name": "杨帆", "id_number": id_number(12)}]},
]
OWNERS = {  # name in the tests -> (unit, real name, id seed)
    "wang": ("1-1-101", "王伟", 1), "zhang": ("2-1-101", "张敏", 3), "liu": ("2-1-102", "刘洋", 4),
    "chen": ("4-1-101", "陈静", 11), "yang": ("4-1-102", "杨帆", 12),
}
TENANTS = ("t1", "t2", "t3")


@pytest.fixture(scope="module")
def people(database):
    require_redis()
    url = database("live_audiences")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    found = {"url": url}
    with app.app_context():
        estate.import_units(None, ROSTER + EXTRA_UNITS, via="cli")
        admin = accounts.create_staff(None, {"real_name": "林管理", "phone": "13800000001", "password": PASSWORD,
                                             "role": "admin"}, via="cli")
        staff = accounts.create_staff(admin, {"real_name": "周前台", "phone": "13800000002", "password": PASSWORD,
                                              "role": "staff"})
        users = {"admin": admin, "staff": staff}
        for name, (unit, real_name, seed) in OWNERS.items():
            users[name] = accounts.register(registration(unit=unit, relation="owner", real_name=real_name,
                                                         id_number=id_number(seed), display_name=f"业主{name}"))
            accounts.approve(staff, users[name].id)
        for name in TENANTS:
            users[name] = accounts.register(registration(unit="1-1-201", display_name=f"租户{name}"))
            accounts.approve(staff, users[name].id)
        for name in ("wang", "zhang", "yang"):
            accounts.set_committee(admin, users[name].id, True)
        current = rules.current()
        current.policy = {**current.policy, "chat_interval_s": 0, "chat_max_per_minute": 1000,
                          "words": [*current.policy.get("words", []),
                                    {"word": "待审词", "action": "review", "clause": "2.2"}]}
        db.session.commit()
        for name, user in users.items():
            found[name] = {"id": user.id, "phone": user.phone, "token": accounts.issue_token(user)}
        db.session.remove()
        db.engine.dispose()
    return found


def http(server, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(server.url + "/api/v1" + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")


def login(server, person) -> str:
    status, body = http(server, "POST", "/auth/token", "", {"phone": person["phone"], "password": PASSWORD})
    assert status == 200, body
    return body["token"]


def say(client, room: str, body: str) -> dict:
    ack = client.call("send", {"room": room, "body": body, "client_id": uuid.uuid4().hex})
    assert ack["ok"] is True, ack
    return ack


def heard(client, room: str) -> list[int]:
    return [m["id"] for m in client.got("message") if m["room"] == room]


def test_removed_committee_member_stops_hearing_the_committee_room(servers, people, connect):
    one, two = servers
    member, other = connect(two, people["wang"]["token"]), connect(one, people["zhang"]["token"], transport="polling")
    for client in (member, other):
        assert client.call("join", {"room": "committee"})["ok"] is True
    before = say(other, "committee", "开会前的一条")["id"]
    assert before in [m["id"] for m in member.wait_for("message")]

    status, _ = http(one, "DELETE", f"/committee/members/{people['wang']['id']}", people["admin"]["token"])
    assert status in (200, 204)
    assert member.wait_for("room_left") == [{"room": "committee"}]
    after = say(other, "committee", "他已不是委员之后的一条")["id"]
    wait_until(lambda: after in heard(other, "committee"), "the sender hears its own message")
    assert heard(member, "committee") == [before]
    assert member.sio.connected  # still in the lobby and every other room they may read
    assert member.call("join", {"room": "committee"})["ok"] is False


def test_seller_stops_hearing_the_old_building_room_after_the_roster_import(servers, people, connect):
    one, two = servers
    seller, neighbour = connect(two, people["liu"]["token"]), connect(one, people["zhang"]["token"])
    for client in (seller, neighbour):
        assert client.call("join", {"room": "building-2"})["ok"] is True
    sold = {**ROSTER[4], "owners": [{"name": "新业主", "id_number": id_number(77)}]}
    status, body = http(one, "POST", "/units", people["staff"]["token"], {"units": [sold]})
    assert status == 200, body
    assert seller.wait_for("room_left") == [{"room": "building-2"}]
    after = say(neighbour, "building-2", "新业主入住了吗")["id"]
    wait_until(lambda: after in heard(neighbour, "building-2"), "the neighbour hears its own message")
    assert heard(seller, "building-2") == []


def test_socket_opened_with_a_token_closes_when_the_password_changes(servers, people, connect):
    one, two = servers
    person = people["t1"]
    socket_token = login(one, person)
    sock = connect(two, socket_token)
    assert sock.call("join", {"room": "lobby"})["ok"] is True
    status, body = http(one, "POST", "/me/password", person["token"],
                        {"old_password": PASSWORD, "new_password": PASSWORD + "-new"})
    assert status in (200, 204), body
    assert sock.disconnected.wait(WAIT)
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(two, socket_token)


def test_socket_opened_with_a_token_closes_at_logout_and_others_stay(servers, people, connect):
    one, two = servers
    person = people["t2"]
    leaving, staying = login(one, person), login(one, person)
    closing, open_one = connect(two, leaving), connect(one, staying, transport="polling")
    status, _ = http(one, "DELETE", "/auth/token", leaving)
    assert status in (200, 204)
    assert closing.disconnected.wait(WAIT)
    assert open_one.call("join", {"room": "lobby"})["ok"] is True and open_one.sio.connected


def test_staff_hear_no_held_message_of_the_committee_room(servers, people, connect):
    one, two = servers
    watcher = connect(two, people["staff"]["token"])
    assert watcher.call("join", {"room": "lobby"})["ok"] is True
    assert watcher.call("join", {"room": "committee"})["ok"] is False
    reader, writer = connect(two, people["yang"]["token"]), connect(one, people["zhang"]["token"])
    for client in (reader, writer):
        assert client.call("join", {"room": "committee"})["ok"] is True
    ack = say(writer, "committee", "这一条含待审词")
    assert ack["status"] == "held"
    assert ack["id"] in [m["id"] for m in reader.wait_for("message")]  # committee members oversee their room
    visible = say(writer, "lobby", "大厅里的普通一条")["id"]
    assert visible in [m["id"] for m in watcher.wait_for("message")]
    assert [m["id"] for m in watcher.got("message")] == [visible]


@pytest.mark.parametrize(("kind", "person"), [("suspend", "t3"), ("blacklist", "chen")])
def test_sanction_answers_201_and_closes_the_sockets(servers, people, connect, kind, person):
    one, two = servers
    sock = connect(two, people[person]["token"])
    assert sock.call("join", {"room": "lobby"})["ok"] is True
    status, body = http(one, "POST", "/moderation/actions", people["staff"]["token"],
                        {"action": kind, "target": f"user:{people[person]['id']}", "clause": "2.2",
                         "reason": "多次违规", "hours": 24})
    assert status == 201, body
    assert body["sanction_id"]
    assert sock.disconnected.wait(WAIT)
    assert [e["kind"] for e in sock.got("sanctioned")] == [kind]
