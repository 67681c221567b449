"""Who may do what at the front desk: the policy's target rules without HTTP, then every staff write refused to
the committee, every route refused to anonymous callers, and the pages for each role in both languages."""

from types import SimpleNamespace

import pytest

from community.core import policy
from community.desk import notices as desk_notices
from community.desk import surveys as desk_surveys
from community.desk import tickets as desk_tickets
from tests.conftest import error_of

ROLES = ["owner", "committee", "resident", "vendor", "staff", "admin"]


def actor(role: str, buildings=frozenset()):
    base = {"id": 1, "status": "approved", "building_codes": frozenset(buildings)}
    if role == "committee":
        return SimpleNamespace(role="owner", committee=True, **base)
    return SimpleNamespace(role=role, committee=False, **base)


@pytest.mark.parametrize("role", ROLES)
def test_notice_visibility(role):
    estate = SimpleNamespace(whole_estate=True, building_codes=frozenset())
    building_2 = SimpleNamespace(whole_estate=False, building_codes=frozenset({"2"}))
    in_1, in_2 = actor(role, {"1"}), actor(role, {"2"})
    assert policy.can(in_1, "notice.view", estate) is True
    overseer = role in ("committee", "staff", "admin")
    assert policy.can(in_1, "notice.view", building_2) is overseer
    assert policy.can(in_2, "notice.view", building_2) is (overseer or role in ("owner", "resident"))


@pytest.mark.parametrize("role", ROLES)
def test_ticket_visibility_and_confirmation(role):
    own, others = SimpleNamespace(author_id=1, public=False), SimpleNamespace(author_id=2, public=False)
    public = SimpleNamespace(author_id=2, public=True)
    who = actor(role)
    overseer = role in ("committee", "staff", "admin")
    assert policy.can(who, "ticket.view", own) is True
    assert policy.can(who, "ticket.view", others) is overseer
    assert policy.can(who, "ticket.view", public) is (overseer or role in ("owner", "committee", "resident"))
    assert policy.can(who, "ticket.confirm", own) is True
    assert policy.can(who, "ticket.confirm", others) is False


@pytest.mark.parametrize("role", ROLES)
def test_survey_closing_and_results(role):
    who = actor(role)
    staff_open = SimpleNamespace(by_committee=False, open=True)
    committee_open = SimpleNamespace(by_committee=True, open=True)
    closed = SimpleNamespace(by_committee=False, open=False)
    assert policy.can(who, "survey.manage", staff_open) is (role in ("staff", "admin"))
    assert policy.can(who, "survey.manage", committee_open) is (role in ("committee", "staff", "admin"))
    assert policy.can(who, "survey.results", staff_open) is (role in ("committee", "staff", "admin"))
    assert policy.can(who, "survey.results", closed) is (role != "vendor")


# ---- the committee reads everything and changes none of it ---------------------------------------

@pytest.fixture
def desk_data(owner, staff, committee_member):
    """One of everything, each at the step where staff could act on it."""
    repair = desk_tickets.file_ticket(owner, "repair", {"category": "lift", "common_area": "1号楼电梯", "description": "停运"})
    accepted = desk_tickets.file_ticket(owner, "complaint", {"description": "垃圾未清运"})
    desk_tickets.accept(staff, "complaint", accepted.id, {"department": "cleaning"})
    started = desk_tickets.file_ticket(owner, "suggestion", {"description": "增加路灯"})
    desk_tickets.accept(staff, "suggestion", started.id, {"department": "engineering"})
    desk_tickets.start(staff, "suggestion", started.id, {})
    survey = desk_surveys.create_survey(staff, {"title": "满意度", "per": "user",
                                        "questions": [{"kind": "rating", "text": "评分"}]})
    notice = desk_notices.post_notice(staff, {"title": "消防演练", "body": "周六上午消防演练。", "category": "fire_safety"})
    return {"repair": repair.id, "complaint": accepted.id, "suggestion": started.id, "survey": survey.id,
            "notice": notice.id}


ASSIGN = {"department": "security", "worker": "王保安", "note": "说明"}
STAFF_WRITES = [
    ("/notices", {"title": "通知", "body": "正文", "category": "general"}),
    ("/repairs/{repair}/accept", ASSIGN), ("/repairs/{repair}/notes", {"note": "说明"}),
    ("/complaints/{complaint}/reassign", ASSIGN), ("/complaints/{complaint}/start", {}),
    ("/complaints/{complaint}/notes", {"note": "说明"}),
    ("/suggestions/{suggestion}/done", {"note": "说明"}), ("/suggestions/{suggestion}/reassign", ASSIGN),
    ("/surveys/{survey}/close", {}),
]


@pytest.mark.parametrize("path,body", STAFF_WRITES, ids=[p for p, _b in STAFF_WRITES])
def test_committee_gets_403_on_every_staff_write(api, committee_member, staff, desk_data, path, body):
    path = path.format(**desk_data)
    r = api.post(path, user=committee_member, json=body)
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden", r.get_json()
    assert api.post(path, user=staff, json=body).status_code in (200, 201), "the same write works for staff"


def test_committee_reads_everything(api, committee_member, desk_data):
    for path in ("/repairs/{repair}", "/complaints/{complaint}", "/suggestions/{suggestion}", "/notices/{notice}",
                 "/notices/{notice}/receipts", "/surveys/{survey}/results", "/figures", "/repairs", "/complaints"):
        assert api.get(path.format(**desk_data), user=committee_member).status_code == 200, path


def test_every_desk_route_needs_a_login(app, api, desk_data):
    desk_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("desk_api.")]
    assert len(desk_rules) > 30
    for rule in desk_rules:
        path = rule.rule.removeprefix("/api/v1")
        for name in ("notice_id", "ticket_id", "survey_id"):
            path = path.replace(f"<int:{name}>", "1")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            r = api.call(method, path, json={})
            assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated", (method, path)


def test_options_for_the_forms(api, owner):
    body = api.get("/desk/options", user=owner).get_json()
    assert body["notice_categories"] == ["general", "fire_safety", "outage", "fees"]
    assert {"category": "lift", "response_hours": 0.5, "completion_hours": 8} in body["repair_categories"]
    assert body["departments"] == ["engineering", "security", "cleaning", "developer"]
    assert body["targets"] == {"satisfaction": 90, "timeliness": 85}


# ---- the pages ------------------------------------------------------------------------------------

def log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


PAGES = [  # path, roles that get 200; the others get 403 (or 404 where they may not even see it)
    ("/desk/", set(ROLES)),
    ("/desk/notices", set(ROLES)),
    ("/desk/notices/new", {"staff", "admin"}),
    ("/desk/notices/{notice}", set(ROLES)),
    ("/desk/repairs", set(ROLES)),
    ("/desk/repairs/new", {"owner", "committee", "resident", "staff", "admin"}),  # staff file what they find
    ("/desk/repairs/{repair}", {"owner", "committee", "staff", "admin"}),
    ("/desk/complaints?scope=public", {"owner", "committee", "resident", "staff", "admin"}),
    ("/desk/complaints/new", {"owner", "committee", "resident"}),
    ("/desk/suggestions/{suggestion}", {"owner", "committee", "staff", "admin"}),
    ("/desk/surveys", set(ROLES)),
    ("/desk/surveys/new", {"committee", "staff", "admin"}),
    ("/desk/surveys/{survey}", set(ROLES)),
    ("/desk/figures", {"committee", "staff", "admin"}),
    ("/desk/figures.csv", {"committee", "staff", "admin"}),
]
HIDDEN = {"/desk/repairs/{repair}", "/desk/suggestions/{suggestion}"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_follow_the_policy(client, everyone, desk_data, role):
    log_in(client, everyone[role])
    for path, allowed in PAGES:
        r = client.get(path.format(**desk_data))
        expected = 200 if role in allowed else (404 if path in HIDDEN else 403)
        assert r.status_code == expected, (role, path, r.status_code)


@pytest.mark.parametrize("path,allowed", PAGES[:3], ids=[p for p, _a in PAGES[:3]])
def test_pages_send_anonymous_visitors_to_log_in(client, path, allowed):
    r = client.get(path)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


@pytest.mark.parametrize("path", ["/desk/", "/desk/notices/{notice}", "/desk/repairs/{repair}",
                                  "/desk/surveys/{survey}", "/desk/figures"])
def test_pages_speak_english_on_request(client, staff, desk_data, path):
    log_in(client, staff)
    english = client.get(path.format(**desk_data) + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Front desk" in english or "Notices" in english or "Surveys" in english or "Repairs" in english
    chinese = client.get(path.format(**desk_data) + "?lang=zh").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese


def test_the_home_page_links_to_the_desk(client, owner):
    log_in(client, owner)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/desk/"' in page
