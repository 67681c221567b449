"""API.md at its edges: numbers past any id, NUL characters, JSON nested past the parser, login and role checked
before the body is read, list parameters on every paged list, and moderation details clients rely on."""

import re
from datetime import timedelta

import pytest

from community.accounts import services as accounts
from community.accounts.models import User
from community.core.errors import ID_MAX
from community.core.http import PUBLIC_ENDPOINTS
from community.core.timeutil import frozen, utcnow
from community.extensions import db
from tests.conftest import error_of
from tests.fixtures.people import PASSWORD, registration, set_policy

HUGE = 10**20  # past the integers of both databases


@pytest.fixture(autouse=True)
def no_post_interval(app):
    set_policy(post_interval_s=0)


def start(api, user, title="电梯维修通知", body="三号楼电梯周五上午维修，请大家注意。"):
    return api.post("/boards/neighbours/threads", user=user, json={"title": title, "body": body})


def act(api, user, **body):
    return api.post("/moderation/actions", user=user, json=body)


def concrete(rule) -> str:
    """A request path for a route: 1 for every number, x for every other segment."""
    path = re.sub(r"<int:\w+>", "1", rule.rule.removeprefix("/api/v1"))
    return re.sub(r"<\w+>", "x", path)


# ---- a number past any row id names nothing ---------------------------------------------------------

@pytest.mark.parametrize("number", [ID_MAX, ID_MAX + 1, HUGE])
@pytest.mark.parametrize("method,path", [
    ("GET", "/threads/{n}"), ("GET", "/users/{n}"), ("GET", "/votes/{n}"), ("GET", "/rules/{n}"),
    ("PATCH", "/posts/{n}"), ("POST", "/threads/{n}/posts"), ("POST", "/registrations/{n}/approve"),
    ("DELETE", "/committee/members/{n}"), ("GET", "/posts/{n}/revisions"),
])
def test_huge_ids_in_paths_are_404(api, admin, method, path, number):
    r = api.call(method, path.format(n=number), user=admin, json={"body": "这是一条回复"})
    assert r.status_code == 404 and error_of(r)["code"] == "not_found", r.get_json()


def test_huge_ids_in_bodies(api, admin, staff, owner, resident):
    assert api.post("/committee/members", user=admin, json={"user_id": HUGE}).status_code == 404
    thread_id = start(api, owner).get_json()["id"]
    r = api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "回复内容", "parent_id": HUGE})
    assert r.status_code == 400 and error_of(r)["field"] == "parent_id"
    r = api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "回复内容", "attachments": [HUGE]})
    assert r.status_code == 400 and error_of(r)["field"] == "attachments"
    assert api.post("/reports", user=resident, json={"target": f"post:{HUGE}", "clause": "1.1"}).status_code == 404
    assert act(api, staff, action="hide", target=f"thread:{HUGE}").status_code == 404
    assert act(api, staff, action="lift", target=f"sanction:{HUGE}").status_code == 404
    assert api.post("/moderation/queue/claim", user=staff, json={"target": f"user:{HUGE}"}).status_code == 404
    r = api.post("/appeals", json={"phone": resident.phone, "password": PASSWORD, "sanction_id": HUGE, "text": "x"})
    assert r.status_code == 404
    r = api.post("/notifications/read", user=owner, json={"ids": [HUGE]})
    assert r.status_code == 200 and r.get_json()["marked"] == 0


def test_a_value_the_database_cannot_hold_is_400_not_500(make_app):
    """The last line of defence, for a number that no check caught."""
    app = make_app()

    @app.get("/api/v1/test-unchecked-id")
    def unchecked():
        db.session.get(User, HUGE)  # SQLite raises OverflowError, PostgreSQL a DataError

    r = app.test_client().get("/api/v1/test-unchecked-id")
    assert r.status_code == 400 and error_of(r)["code"] == "invalid"


# ---- wrong types and lookalike digits are 400 naming the field --------------------------------------

@pytest.mark.parametrize("body,field", [
    ({"action": "hide", "target": "thread:²"}, "target"), ({"action": "lift", "target": "sanction:１"}, "target"),
    ({"action": ["hide"], "target": "thread:1"}, "action"), ({"action": {"hide": 1}, "target": "thread:1"}, "action"),
])
def test_malformed_moderation_actions(api, staff, body, field):
    r = act(api, staff, **body)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_wrong_types_name_their_field(api, admin, owner, resident):
    checks = [
        (api.post("/reports", user=resident, json={"target": "post:²", "clause": "1.1"}), "target"),
        (api.post("/staff", user=admin, json={"real_name": "吴员工", "phone": "13600000001",
                                              "password": "staff-pass-1", "role": ["staff"]}), "role"),
        (api.post("/committee/members", user=admin, json={"user_id": True}), "user_id"),
        (api.post("/appeals", json={"phone": owner.phone, "password": PASSWORD, "sanction_id": "1", "text": "x"}),
         "sanction_id"),
        (api.post("/notifications/read", user=owner, json={"ids": [True]}), "ids"),
    ]
    for r, field in checks:
        assert r.status_code == 400 and (error_of(r)["code"], error_of(r)["field"]) == ("invalid", field), field


@pytest.mark.parametrize("version", ["²", "１"])
def test_rules_version_in_other_digits_is_not_accepted(api, roster, version):
    r = api.post("/auth/register", json=registration(accepted_rules_version=version))
    assert r.status_code == 400 and error_of(r)["code"] == "rules_not_accepted"


@pytest.mark.parametrize("code,building,field", [
    ("12345678-12345678-12345678-123456", "1", "code"),  # fits the pattern, not the column
    ("1-1-1", "12345678-12345678", "building"),
    ("1-1-101\n", "1\n", "building"),
])
def test_unit_codes_fit_their_columns(api, staff, code, building, field):
    r = api.post("/units", user=staff, json={"units": [{"code": code, "building": building, "area": "50.00"}]})
    assert r.status_code == 400 and error_of(r)["field"] == f"units[0].{field}"


# ---- NUL never reaches the database (PostgreSQL text cannot hold it) --------------------------------

@pytest.mark.parametrize("method,path,body,field", [
    ("POST", "/auth/register", {"real_name": "王\x00伟"}, "real_name"),
    ("POST", "/auth/token", {"phone": "1380000000\x001", "password": PASSWORD}, "phone"),
    ("POST", "/boards/neighbours/threads", {"title": "标题", "body": "正文\x00"}, "body"),
    ("POST", "/units", {"units": [{"code": "9-1-1", "area": "1.00", "owners": [{"name": "\x00"}]}]}, "units"),
    ("POST", "/moderation/actions", {"action": "warn", "target": "user:1", "clause": "1.1", "reason": "\x00"},
     "reason"),
    ("GET", "/search?q=a%00b", None, "q"),
    ("GET", "/units?building=%00", None, "building"),
    ("GET", "/boards/%00/threads", None, "slug"),
])
def test_nul_is_400(api, staff, method, path, body, field):
    r = api.call(method, path, user=staff, json=body)
    assert r.status_code == 400 and error_of(r)["code"] == "invalid" and error_of(r)["field"] == field


@pytest.mark.parametrize("path", ["/auth/token", "/auth/register", "/appeals", "/moderation/actions",
                                  "/boards/neighbours/threads"])
@pytest.mark.parametrize("closed", [True, False])
def test_json_nested_past_the_parser_is_400(api, staff, path, closed):
    depth = 100_000
    body = b'{"a":' * depth + b"1" + (b"}" * depth if closed else b"")
    r = api.post(path, user=staff, data=body, content_type="application/json")
    assert r.status_code == 400 and (error_of(r)["code"], error_of(r)["field"]) == ("invalid", "body")


# ---- who is asking comes before what they sent ------------------------------------------------------

def test_every_api_route_asks_for_a_login_before_reading_the_body(app, api):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "openapi.openapi_json":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for body in ({}, {"data": b"{not json", "content_type": "application/json"}):
                r = api.call(method, concrete(rule), **body)
                if rule.endpoint in PUBLIC_ENDPOINTS:
                    assert r.status_code != 401 or error_of(r)["code"] == "invalid_credentials", rule.rule
                else:
                    assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated", (method, rule.rule)
                    checked += 1
    assert checked > 150


STAFF_WRITES = [
    ("POST", "/units"), ("POST", "/registrations/{pending}/approve"), ("POST", "/registrations/{pending}/reject"),
    ("POST", "/staff"), ("POST", "/committee/members"), ("DELETE", "/committee/members/{owner}"),
    ("POST", "/moderation/actions"), ("POST", "/moderation/queue/claim"), ("POST", "/moderation/users/{owner}/notes"),
    ("POST", "/appeals/1/decide"),
]


@pytest.mark.parametrize("method,path", STAFF_WRITES)
@pytest.mark.parametrize("body", [None, b"{not json", b"[]"])
def test_committee_gets_403_whatever_the_body(api, committee_member, owner, pending, method, path, body):
    kwargs = {} if body is None else {"data": body, "content_type": "application/json"}
    r = api.call(method, path.format(pending=pending.id, owner=owner.id), user=committee_member, **kwargs)
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden", r.get_json()


@pytest.mark.parametrize("method,path", [("POST", "/votes"), ("PATCH", "/votes/1"), ("POST", "/votes/1/paper-ballots"),
                                         ("POST", "/votes/1/paper-ballots/1/review")])
def test_others_get_403_on_committee_writes_whatever_the_body(api, staff, method, path):
    r = api.call(method, path, user=staff, data=b"{not json", content_type="application/json")
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"


def test_committee_reads_what_staff_read(api, staff, committee_member, owner, pending):
    thread_id = start(api, owner).get_json()["id"]
    post_id = api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "补充一下时间"}).get_json()["id"]
    act(api, staff, action="hide", target=f"thread:{thread_id}", clause="1.1", reason="测试")
    for path in ("/units", "/registrations", "/moderation/queue", "/moderation/log", "/moderation/hidden",
                 "/appeals", "/audit", "/audit/verify", "/moderation/figures", f"/posts/{post_id}/revisions",
                 f"/threads/{thread_id}", f"/moderation/users/{owner.id}/notes"):
        assert api.get(path, user=committee_member).status_code == 200, path
    masked = api.get("/registrations", user=committee_member).get_json()["items"][0]
    assert masked["phone"] == pending.phone[:3] + "****" + pending.phone[-4:] and masked["id_last4"] is None


# ---- lists: ?limit= 1..200 (default 50), cursors checked -------------------------------------------

LISTS = [("/units", {}, "after"), ("/registrations", {}, "after"), ("/audit", {}, "after"),
         ("/votes", {}, "before"), ("/notifications", {}, "before"), ("/moderation/log", {}, "before"),
         ("/boards/neighbours/threads", {}, "before"), ("/search", {"q": "电梯"}, "after")]


@pytest.mark.parametrize("path,query,cursor", LISTS)
def test_list_parameters(api, admin, path, query, cursor):
    for limit in ("0", "201", "-1", "abc", "1.5"):
        r = api.get(path, user=admin, query_string=query | {"limit": limit})
        assert r.status_code == 400 and error_of(r)["field"] == "limit", (path, limit)
    huge = f"1:2020-01-01T00:00:00:{HUGE}" if path.startswith("/boards") else str(HUGE)
    r = api.get(path, user=admin, query_string=query | {cursor: huge})
    assert r.status_code == 400 and error_of(r)["field"] == cursor
    r = api.get(path, user=admin, query_string=query | {"limit": "200"})
    assert r.status_code == 200 and set(r.get_json()) >= {"items", "next"} and r.get_json()["next"] is None


def test_moderation_log_pages(api, staff, committee_member, owner):
    ids = [start(api, owner, title=f"话题{i}", body=f"话题内容第{i}条").get_json()["id"] for i in range(3)]
    for thread_id in ids:
        act(api, staff, action="pin", target=f"thread:{thread_id}")
    first = api.get("/moderation/log?limit=2", user=committee_member).get_json()
    assert len(first["items"]) == 2 and first["next"] == first["items"][-1]["id"]
    rest = api.get(f"/moderation/log?before={first['next']}", user=committee_member).get_json()
    assert [i["target"] for i in rest["items"]] == [f"thread:{ids[0]}"] and rest["next"] is None


# ---- moderation and accounts -------------------------------------------------------------------------

def test_a_held_thread_is_approved_hidden_and_restored_with_its_body(api, owner, resident, staff):
    r = start(api, owner, title="周转资金", body="低息贷款请联系我")
    assert r.get_json()["status"] == "held"
    thread_id = r.get_json()["id"]
    assert act(api, staff, action="approve", target=f"thread:{thread_id}").status_code == 201
    page = api.get(f"/threads/{thread_id}", user=resident).get_json()
    assert "低息贷款" in page["body_html"] and page["opening_post_id"]
    assert [i["thread_id"] for i in api.get("/search?q=贷款", user=resident).get_json()["items"]] == [thread_id]
    act(api, staff, action="hide", target=f"thread:{thread_id}")
    assert api.get(f"/threads/{thread_id}", user=resident).status_code == 404
    assert api.get("/search?q=贷款", user=resident).get_json()["items"] == []
    act(api, staff, action="restore", target=f"thread:{thread_id}")
    assert "低息贷款" in api.get(f"/threads/{thread_id}", user=resident).get_json()["body_html"]


def test_claims_name_something_that_exists(api, staff, owner):
    thread_id = start(api, owner).get_json()["id"]
    missing = api.post("/moderation/queue/claim", user=staff, json={"target": f"thread:{thread_id + 1}"})
    assert missing.status_code == 404
    r = api.post("/moderation/queue/claim", user=staff, json={"target": f"thread:{thread_id}"})
    assert r.status_code == 200 and r.get_json()["claimed_by"] == staff.id


def test_staff_writes_of_their_own_are_audited(api, admin, staff, owner):
    thread_id = start(api, owner).get_json()["id"]
    api.post("/reports", user=staff, json={"target": f"thread:{thread_id}", "clause": "1.1"})
    api.post("/moderation/queue/claim", user=staff, json={"target": f"thread:{thread_id}"})
    r = api.post("/me/password", user=staff, json={"old_password": PASSWORD, "new_password": "another-pass-42"})
    assert r.status_code == 204
    log = [(e["action"], e["target"]) for e in api.get("/audit?limit=200", user=admin).get_json()["items"]]
    assert {("report.created", f"thread:{thread_id}"), ("moderation.claimed", f"thread:{thread_id}"),
            ("account.password_changed", f"user:{staff.id}")} <= set(log)


def test_failed_appeals_are_throttled_on_their_own_budget(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="3 per 5 minutes", LOGIN_LIMIT_PER_ADDRESS="100 per 5 minutes")
    client = app.test_client()
    with app.app_context():
        phone = accounts.create_staff(None, {"real_name": "周", "phone": "13800000002", "password": PASSWORD},
                                      via="cli").phone
    appeal = {"phone": phone, "password": "guess-guess-1", "sanction_id": 1, "text": "申诉"}
    for _ in range(3):
        assert client.post("/api/v1/appeals", json=appeal).status_code == 401
    r = client.post("/api/v1/appeals", json=appeal | {"password": PASSWORD})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "rate_limited" and int(r.headers["Retry-After"])
    # Appeals spend their own budget: the account can still log in.
    assert client.post("/api/v1/auth/token", json={"phone": phone, "password": PASSWORD}).status_code == 200


def test_muted_until_is_null_once_the_mute_ends(api, staff, owner):
    act(api, staff, action="mute", target=f"user:{owner.id}", clause="1.1", reason="刷屏", hours=2)
    assert api.get("/me", user=owner).get_json()["muted_until"].endswith("Z")
    with frozen(utcnow() + timedelta(hours=3)):
        assert api.get("/me", user=owner).get_json()["muted_until"] is None


def test_marking_notifications_read_needs_a_json_object_or_nothing(api, owner):
    assert api.post("/notifications/read", user=owner).status_code == 200
    for body in (b"{not json", b"[1]", b"null"):
        r = api.post("/notifications/read", user=owner, data=body, content_type="application/json")
        assert r.status_code == 400 and error_of(r)["field"] == "body"
    r = api.post("/notifications/read", user=owner, json={"ids": list(range(1001))})
    assert r.status_code == 400 and error_of(r)["field"] == "ids"


# ---- the same care on the pages and in the rooms ----------------------------------------------------

def test_nul_in_a_web_form_is_400_not_a_database_error(client):
    response = client.post("/login", data={"phone": "1380000\x000000", "password": "x"})
    assert response.status_code == 400
    assert client.get("/boards?q=a\x00b").status_code == 400


@pytest.mark.parametrize("slug", ["desk-²", "desk-١٢", f"desk-{HUGE}", "desk-", "desk-0"])
def test_room_names_with_lookalike_or_huge_numbers_are_404(api, staff, slug):
    response = api.get(f"/chat/rooms/{slug}/messages", user=staff)
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("method,path", [("POST", "/rules"), ("PATCH", "/rules/policy"), ("POST", "/rules/1/adopt")])
def test_rules_writes_check_the_role_before_the_body(api, committee_member, method, path):
    response = api.call(method, path, user=committee_member, data="not json", content_type="application/json")
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
