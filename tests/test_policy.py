"""The role × action matrix of the one policy module, without HTTP; then the same rules over HTTP."""

import re
from pathlib import Path
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
    "member":          set(ROLES),
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
    "vote.procedure":      {"committee"},
    "vote.proxy":          {"owner", "committee"},
    "vote.proxy_hold":     {"owner", "committee", "resident"},
    "vote.object":         {"owner", "committee"},
    "vote.delivery":       {"committee"},
    "petition.read":       {"owner", "committee", "resident", "vendor", "staff", "admin"},
    "petition.start":      {"owner", "committee"},
    "petition.sign":       {"owner", "committee"},
    "petition.respond":    {"committee"},
    "decision.read":       {"owner", "committee", "resident", "vendor", "staff", "admin"},
    "decision.record":     {"committee"},
    "moderation.act":      {"staff", "admin"},
    "moderation.read":     {"committee", "staff", "admin"},
    "fire.read":           {"committee", "staff", "admin"},
    "fire.manage":         {"staff", "admin"},
    "fire.identify":       {"staff", "admin"},
    "fire.hazard_report":  {"owner", "committee", "resident"},
    "fire.drill_join":     {"owner", "committee", "resident"},
    # fund
    "fund.totals":         set(ROLES),
    "fund.ledger_all":     {"committee", "staff", "admin"},
    "fund.post":           {"staff", "admin"},
    "fund.settings":       {"staff", "admin"},
    "fund.apply":          {"staff", "admin"},
    "fund.review":         {"committee"},
    "income.read":         set(ROLES),
    "income.manage":       {"staff", "admin"},
    "disclosure.read":     set(ROLES),
    "disclosure.publish":  {"staff", "admin"},
    "fund.request":        {"owner", "committee"},
    "fund.answer":         {"staff", "admin"},
    "fund.requests_all":   {"committee", "staff", "admin"},
    "fees.manage":         {"staff", "admin"},
    "fees.register":       {"staff", "admin"},
    "fees.figures":        {"committee", "staff", "admin"},
    # identity
    "account.sessions":    set(ROLES),
    "account.export":      set(ROLES),
    "account.close":       set(ROLES),
    "account.close_other": {"staff", "admin"},
    "account.reset_code":  {"staff", "admin"},
}
TARGETED = {"content.view", "board.post", "thread.reply", "post.edit", "chat.read", "chat.send", "notice.view",
            "ticket.view", "ticket.confirm", "ticket.file", "survey.manage", "survey.results", "fire.hazard_view",
            "fire.status_view", "fund.unit_read", "fund.read_application", "fees.view_unit", "fees.dispute"}


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
        policy.require(actor(role, status), "member")
    assert caught.value.code == code


def test_anonymous_is_unauthenticated():
    assert policy.can(None, "member") is False
    with pytest.raises(Unauthenticated):
        policy.require(None, "member")


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


# ---- which: the scope table -------------------------------------------------------------------


SCOPE_ROLES = ("owner", "resident", "vendor", "committee", "staff", "admin")


def person(role: str, pid: int = 1, **extra):
    base = "owner" if role == "committee" else role
    return SimpleNamespace(id=pid, role=base, committee=role == "committee", status="approved",
                           building_codes=frozenset({"1"}), **extra)


# role -> (sees others' held, sees others' hidden)
CONTENT_SCOPE = {"owner": (False, False), "resident": (False, False), "vendor": (False, False),
                 "committee": (True, True), "staff": (True, True), "admin": (True, True)}


@pytest.mark.parametrize("role", SCOPE_ROLES)
@pytest.mark.parametrize("status", ["visible", "held", "hidden"])
def test_content_scope_table(role, status):
    reader = person(role)
    found = policy.content_scope(reader)
    others = {"visible": True, "held": CONTENT_SCOPE[role][0], "hidden": CONTENT_SCOPE[role][1]}[status]
    assert found.admits(status, author_id=99) is others
    assert found.admits(status, author_id=reader.id) is (status != "hidden" or others)
    target = SimpleNamespace(status=status, author_id=99)
    assert policy.can(reader, "content.view", target) is others  # "whether" and "which" agree


def test_no_scope_without_standing():
    for status in ("pending", "suspended", "blacklisted"):
        assert policy.content_scope(SimpleNamespace(id=1, role="owner", committee=False, status=status)) \
            .admits("visible", 2) is False
    assert policy.content_scope(None).admits("visible", 2) is False


ROOMS = {
    "lobby": SimpleNamespace(kind="lobby", building=None, owner_id=None),
    "announcements": SimpleNamespace(kind="announcements", building=None, owner_id=None),
    "own-building": SimpleNamespace(kind="building", building="1", owner_id=None),
    "other-building": SimpleNamespace(kind="building", building="2", owner_id=None),
    "committee": SimpleNamespace(kind="committee", building=None, owner_id=None),
    "staff": SimpleNamespace(kind="staff", building=None, owner_id=None),
    "own-desk": SimpleNamespace(kind="desk", building=None, owner_id=1),
    "other-desk": SimpleNamespace(kind="desk", building=None, owner_id=2),
}
# role -> rooms read, rooms whose held messages are shown live
ROOM_SCOPE = {
    "owner": ({"lobby", "announcements", "own-building", "own-desk"}, set()),
    "resident": ({"lobby", "announcements", "own-building", "own-desk"}, set()),
    "vendor": ({"lobby", "announcements", "own-desk"}, set()),
    "committee": ({"lobby", "announcements", "own-building", "other-building", "committee", "staff", "own-desk",
                   "other-desk"},
                  {"lobby", "announcements", "own-building", "other-building", "committee", "staff", "own-desk",
                   "other-desk"}),
    "staff": ({"lobby", "announcements", "own-building", "other-building", "staff", "own-desk", "other-desk"},
              {"lobby", "announcements", "own-building", "other-building", "staff", "own-desk", "other-desk"}),
    "admin": ({"lobby", "announcements", "own-building", "other-building", "staff", "own-desk", "other-desk"},
              {"lobby", "announcements", "own-building", "other-building", "staff", "own-desk", "other-desk"}),
}


@pytest.mark.parametrize("role", SCOPE_ROLES)
@pytest.mark.parametrize("room", sorted(ROOMS))
def test_room_scope_table(role, room):
    reader, target = person(role), ROOMS[room]
    reads, held = ROOM_SCOPE[role]
    assert policy.can(reader, "chat.read", target) is (room in reads)
    assert policy.sees_held(reader, target) is (room in held)
    if room in reads:
        assert target.kind in policy.chat_room_kinds(reader)


@pytest.mark.parametrize(("role", "badge"), [("owner", None), ("resident", None), ("vendor", "merchant"),
                                              ("committee", "committee"), ("staff", "staff"), ("admin", "staff")])
def test_badges(role, badge):
    subject = person(role)
    assert policy.badge(subject) == badge
    assert policy.badge({"role": subject.role, "committee": subject.committee}) == badge


@pytest.mark.parametrize("role", SCOPE_ROLES)
def test_who_may_be_sanctioned(role):
    assert policy.may_sanction(person("staff", 5), person(role)) is (role not in ("staff", "admin"))
    assert policy.may_sanction(person("committee", 5), person("owner")) is False


def test_personal_view_without_a_subject_is_about_other_people():
    assert policy.personal_view(person("staff")) == "full"
    assert policy.personal_view(person("committee")) == "masked"
    assert policy.personal_view(person("owner")) == "public"


ROLE_TEST = re.compile(r"\brole\s*(==|!=|in\b|not in\b)|\bis_staff\b|\bis_committee\b|\.role\b(?!\()"
                       r"|\[['\"]role['\"]\]")


def test_no_role_names_are_compared_in_templates_scripts_or_views():
    root = Path(__file__).resolve().parent.parent
    files = [*root.glob("templates/**/*.html"), *root.glob("static/js/*.js"), *root.glob("community/*/views.py")]
    found = [f"{f.relative_to(root)}:{n}: {line.strip()}" for f in files
             for n, line in enumerate(f.read_text().splitlines(), 1)
             if ROLE_TEST.search(line) and "_form.role" not in line]
    assert found == []


@pytest.mark.parametrize("role", ROLES)
def test_who_files_which_request(role):
    who = person(role)
    residents = role in ("owner", "committee", "resident")
    assert policy.can(who, "ticket.file", "repair") is (residents or role in ("staff", "admin"))
    for kind in ("complaint", "suggestion"):
        assert policy.can(who, "ticket.file", kind) is residents
