"""The role × action matrix of the one policy module, without HTTP; then the same rules over HTTP."""

from types import SimpleNamespace

import pytest

from community.core import policy
from community.core.errors import Denied, NotFound, Unauthenticated

ROLES = ["owner", "committee", "resident", "vendor", "staff", "admin"]

MATRIX = {
    "roster.read":         {"committee", "staff", "admin"},
    "roster.import":       {"staff", "admin"},
    "registration.list":   {"committee", "staff", "admin"},
    "registration.decide": {"staff", "admin"},
    "staff.create":        {"admin"},
    "committee.manage":    {"admin"},
    "audit.read":          {"committee", "admin"},
    "users.read":          set(ROLES),
    "rules.accept":        set(ROLES),
    "rules.draft":         {"admin"},
    "rules.adopt":         {"admin"},
    "account.change_password": set(ROLES),
    "content.history":     {"committee", "staff", "admin"},
    "attachment.upload":   set(ROLES),
    "report.create":       set(ROLES),
    "rules.edit_policy":   {"staff", "admin"},
    "chat.moderate":       {"staff", "admin"},
    "desk.manage":         {"staff", "admin"},
    "desk.view":           {"committee", "staff", "admin"},
    "notice.post":         {"staff", "admin"},
    "notice.track":        {"committee", "staff", "admin"},
    "notice.acknowledge":  {"owner", "committee", "resident"},
    "ticket.file":         {"owner", "committee", "resident"},
    "ticket.list_all":     {"committee", "staff", "admin"},
    "ticket.handle":       {"staff", "admin"},
    "ticket.identify":     {"staff", "admin"},
    "survey.create":       {"committee", "staff", "admin"},
    "survey.answer":       {"owner", "committee", "resident"},
    "figures.read":        {"committee", "staff", "admin"},
    "vote.read":           set(ROLES),
    "vote.cast":           {"owner", "committee"},
    "vote.create":         {"committee"},
    "vote.manage":         {"committee"},
    "moderation.act":      {"staff", "admin"},
    "moderation.read":     {"committee", "staff", "admin"},
    # identity
    "account.sessions":    set(ROLES),
    "account.export":      set(ROLES),
    "account.close":       set(ROLES),
    "account.close_other": {"staff", "admin"},
    "account.reset_code":  {"staff", "admin"},
}
TARGETED = {"content.view", "board.post", "thread.reply", "post.edit", "chat.read", "chat.send",
            "notice.view", "ticket.view", "ticket.confirm", "survey.manage", "survey.results"}


def actor(role: str, status: str = "approved"):
    if role == "committee":
        return SimpleNamespace(id=1, role="owner", committee=True, status=status)
    return SimpleNamespace(id=1, role=role, committee=False, status=status)


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, action):
    assert policy.can(actor(role), action) is (role in MATRIX[action])


def test_matrix_covers_every_action():
    assert set(MATRIX) | TARGETED == set(policy.RULES)


def board(post_group, reply_group="everyone"):
    return SimpleNamespace(post_group=post_group, reply_group=reply_group)


BOARD_MATRIX = {
    "staff": {"staff", "admin"},
    "committee": {"committee"},
    "community": {"owner", "committee", "resident", "staff", "admin"},
    "everyone": set(ROLES),
}


@pytest.mark.parametrize("group", sorted(BOARD_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_board_post_and_reply(role, group):
    assert policy.can(actor(role), "board.post", board(group)) is (role in BOARD_MATRIX[group])
    thread = SimpleNamespace(locked=False, board=board("staff", group))
    assert policy.can(actor(role), "thread.reply", thread) is (role in BOARD_MATRIX[group])


@pytest.mark.parametrize("role", ROLES)
def test_locked_thread_only_staff_reply(role):
    thread = SimpleNamespace(locked=True, board=board("everyone", "everyone"))
    assert policy.can(actor(role), "thread.reply", thread) is (role in {"staff", "admin"})


@pytest.mark.parametrize("status", ["visible", "held", "hidden"])
@pytest.mark.parametrize("role", ROLES)
def test_content_visibility(role, status):
    others = SimpleNamespace(status=status, author_id=99)
    own = SimpleNamespace(status=status, author_id=1)
    overseer = role in {"committee", "staff", "admin"}
    assert policy.can(actor(role), "content.view", others) is (status == "visible" or overseer)
    assert policy.can(actor(role), "content.view", own) is (status != "hidden" or overseer)


@pytest.mark.parametrize("role", ROLES)
def test_only_authors_edit(role):
    assert policy.can(actor(role), "post.edit", SimpleNamespace(author_id=1, status="visible")) is True
    assert policy.can(actor(role), "post.edit", SimpleNamespace(author_id=2, status="visible")) is False
    assert policy.can(actor(role), "post.edit", SimpleNamespace(author_id=1, status="hidden")) is False


@pytest.mark.parametrize("status,code", [("pending", "pending_approval"), ("rejected", "rejected")])
@pytest.mark.parametrize("role", ROLES)
def test_unapproved_accounts_may_do_nothing(role, status, code):
    for action in MATRIX:
        assert policy.can(actor(role, status), action) is False
    with pytest.raises(Denied) as caught:
        policy.require(actor(role, status), "users.read")
    assert caught.value.code == code


def test_anonymous_is_unauthenticated():
    assert policy.can(None, "users.read") is False
    with pytest.raises(Unauthenticated):
        policy.require(None, "users.read")


def test_hide_answers_not_found():
    with pytest.raises(NotFound):
        policy.require(actor("owner"), "audit.read", hide=True)


def test_committee_flag_on_non_owner_gives_nothing():
    odd = SimpleNamespace(id=1, role="resident", committee=True, status="approved")
    assert policy.can(odd, "audit.read") is False


def test_personal_view():
    subject = SimpleNamespace(id=2, role="owner", committee=False, status="approved")
    assert policy.personal_view(actor("staff"), subject) == "full"
    assert policy.personal_view(actor("admin"), subject) == "full"
    assert policy.personal_view(actor("committee"), subject) == "masked"
    assert policy.personal_view(actor("owner"), subject) == "public"
    assert policy.personal_view(SimpleNamespace(id=2, role="owner", committee=False, status="approved"),
                                subject) == "full"
    assert policy.personal_view(None, subject) == "public"


# ---- the same rules over HTTP: 401 anonymous, 403 for the wrong role ----------------------------

PROTECTED = [
    ("GET", "/units", None, {"committee", "staff", "admin"}),
    ("POST", "/units", {"units": [{"code": "9-1-101", "area": "50.00"}]}, {"staff", "admin"}),
    ("GET", "/registrations", None, {"committee", "staff", "admin"}),
    ("POST", "/staff", {"real_name": "新员工", "phone": "13600000009", "password": "staff-pass-99"}, {"admin"}),
    ("GET", "/staff", None, {"admin"}),
    ("GET", "/committee/members", None, {"admin"}),
    ("GET", "/audit", None, {"committee", "admin"}),
    ("GET", "/audit/verify", None, {"committee", "admin"}),
    ("GET", "/me", None, set(ROLES)),
]


@pytest.mark.parametrize("method,path,body,allowed", PROTECTED)
def test_anonymous_gets_401(api, method, path, body, allowed):
    r = api.call(method, path, json=body)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("method,path,body,allowed", PROTECTED)
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_403_or_success(api, everyone, method, path, body, allowed, role):
    r = api.call(method, path, user=everyone[role], json=body)
    if role in allowed:
        assert r.status_code in (200, 201), (role, path, r.get_json())
    else:
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden", (role, path)


@pytest.mark.parametrize("path", ["/registrations/{id}/approve", "/registrations/{id}/reject"])
@pytest.mark.parametrize("role", ["owner", "committee", "resident", "vendor"])
def test_only_staff_decide(api, everyone, pending, path, role):
    r = api.post(path.format(id=pending.id), user=everyone[role], json={"reason": "x"})
    assert r.status_code == 403


@pytest.mark.parametrize("role", ["owner", "committee", "resident", "vendor", "staff"])
def test_only_admin_manages_committee(api, everyone, role):
    target = everyone["owner"]
    assert api.post("/committee/members", user=everyone[role], json={"user_id": target.id}).status_code == 403
    member = everyone["committee"]
    assert api.delete(f"/committee/members/{member.id}", user=everyone[role]).status_code == 403


WEB_PAGES = [
    ("/staff/registrations", {"committee", "staff", "admin"}),
    ("/staff/roster", {"committee", "staff", "admin"}),
    ("/committee/audit", {"committee", "admin"}),
    ("/admin/people", {"admin"}),
]


@pytest.mark.parametrize("path,allowed", WEB_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_web_pages_follow_the_policy(client, everyone, path, allowed, role):
    with client.session_transaction() as session:
        session["_user_id"] = everyone[role].get_id()
        session["_fresh"] = True
    r = client.get(path)
    assert r.status_code == (200 if role in allowed else 403), (role, path)


@pytest.mark.parametrize("path,allowed", WEB_PAGES)
def test_web_pages_send_anonymous_to_login(client, path, allowed):
    r = client.get(path)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def room(kind, building=None, owner_id=None):
    return SimpleNamespace(kind=kind, building=building, owner_id=owner_id)


def resident_of(role, building):
    who = actor(role)
    who.building_codes = frozenset({building})
    return who


CHAT = [  # (room, role, may read, may send)
    (room("lobby"), "owner", True, True), (room("lobby"), "vendor", True, True),
    (room("announcements"), "owner", True, False), (room("announcements"), "staff", True, True),
    (room("committee"), "committee", True, True), (room("committee"), "staff", False, False),
    (room("committee"), "owner", False, False), (room("staff"), "staff", True, True),
    (room("staff"), "committee", True, False), (room("staff"), "owner", False, False),
    (room("building", "1"), "owner", True, True), (room("building", "2"), "owner", False, False),
    (room("building", "1"), "vendor", False, False), (room("building", "2"), "staff", True, True),
    (room("building", "2"), "committee", True, False),
    (room("desk", owner_id=1), "owner", True, True), (room("desk", owner_id=2), "owner", False, False),
    (room("desk", owner_id=2), "staff", True, True), (room("desk", owner_id=2), "committee", True, False),
]


@pytest.mark.parametrize("target,role,read,send", CHAT)
def test_chat_rooms(target, role, read, send):
    who = resident_of(role, "1") if role in ("owner", "committee", "resident") else actor(role)
    assert policy.can(who, "chat.read", target) is read
    assert policy.can(who, "chat.send", target) is send
