"""Repair requests, complaints and suggestions: filing, each step of the tracked path and who may take it,
the time-stamped timeline, overdue detection on a frozen clock, photos, and anonymity to other residents."""

import io
from datetime import datetime, timedelta

import pytest
from PIL import Image

from community.audit.models import AuditEntry
from community.core.timeutil import frozen
from community.desk import tickets as desk_tickets
from community.desk.models import Ticket
from community.extensions import db
from community.notifications.models import Notification
from tests.conftest import error_of
from tests.fixtures.people import set_policy

T0 = datetime(2026, 3, 2, 1, 0)  # 09:00 in Shanghai
REPAIR = {"category": "plumbing", "unit": "1-1-101", "description": "厨房水管漏水，地面有积水。"}


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def upload(api, user):
    r = api.post("/attachments", user=user, data={"file": (io.BytesIO(png()), "leak.png")},
                 content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def file_repair(api, user, **changes):
    return api.post("/repairs", user=user, json={**REPAIR, **changes})


def at(minutes: float):
    return frozen(T0 + timedelta(minutes=minutes))


def test_a_repair_from_filing_to_the_return_visit(api, owner, staff):
    photo = upload(api, owner)
    with at(0):
        r = file_repair(api, owner, attachments=[photo["id"]])
    assert r.status_code == 201, r.get_json()
    t = r.get_json()
    assert t["status"] == "submitted" and t["unit"] == "1-1-101" and t["building"] == "1"
    assert t["submitted_at"] == "2026-03-02T01:00:00.000Z"
    assert t["response_due_at"] == "2026-03-02T02:00:00.000Z" and t["completion_due_at"] == "2026-03-03T01:00:00.000Z"
    assert [p["url"] for p in t["photos"]] == [photo["url"]]
    path = f"/repairs/{t['id']}"

    with at(30):
        r = api.post(f"{path}/accept", user=staff, json={"department": "engineering", "worker": "李师傅"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "accepted" and r.get_json()["worker"] == "李师傅"
    with at(60):
        assert api.post(f"{path}/start", user=staff).get_json()["status"] == "in_progress"
    with at(90):
        assert api.post(f"{path}/notes", user=staff, json={"note": "需要更换阀门，师傅去取配件。"}).status_code == 201
    with at(300):
        r = api.post(f"{path}/done", user=staff, json={"note": "已更换阀门，试水无渗漏。"})
    assert r.get_json()["status"] == "done" and r.get_json()["on_time"] is True
    with at(1440):
        r = api.post(f"{path}/confirm", user=owner, json={"rating": 5, "comment": "师傅很专业，谢谢！"})
    assert r.status_code == 200, r.get_json()

    seen = api.get(path, user=owner).get_json()
    assert seen["status"] == "confirmed" and seen["rating"] == 5 and seen["rating_comment"] == "师傅很专业，谢谢！"
    assert (seen["accepted_at"], seen["started_at"], seen["done_at"], seen["confirmed_at"]) == (
        "2026-03-02T01:30:00.000Z", "2026-03-02T02:00:00.000Z", "2026-03-02T06:00:00.000Z",
        "2026-03-03T01:00:00.000Z")
    steps = [(e["action"], e["status"], e["at"], e["by"]) for e in seen["timeline"]]
    assert steps == [("filed", "submitted", "2026-03-02T01:00:00.000Z", "filer"),
                     ("accepted", "accepted", "2026-03-02T01:30:00.000Z", "staff"),
                     ("started", "in_progress", "2026-03-02T02:00:00.000Z", "staff"),
                     ("note", "in_progress", "2026-03-02T02:30:00.000Z", "staff"),
                     ("done", "done", "2026-03-02T06:00:00.000Z", "staff"),
                     ("confirmed", "confirmed", "2026-03-03T01:00:00.000Z", "filer")]
    assert seen["timeline"][1]["department"] == "engineering" and seen["timeline"][1]["worker"] == "李师傅"
    assert seen["timeline"][1]["actor"]["display_name"] == staff.display_name
    assert seen["timeline"][4]["note"] == "已更换阀门，试水无渗漏。"
    assert seen["overdue"] is None and seen["can"] == {k: False for k in seen["can"]}

    kinds = list(db.session.scalars(db.select(Notification.kind).where(Notification.user_id == owner.id)))
    assert kinds == ["repair"] * 4, "accepted, started, the note, done"
    audited = list(db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.target == f"ticket:{t['id']}")
                                      .order_by(AuditEntry.seq)))
    assert audited == ["ticket.accepted", "ticket.started", "ticket.note", "ticket.done"]


@pytest.fixture
def repair(api, owner):
    """A function that files a repair and takes it to the given status."""
    def make(status="submitted"):
        from community.accounts.models import User
        staff_user = db.session.scalar(db.select(User).where(User.role == "staff"))
        ticket_id = file_repair(api, owner).get_json()["id"]
        steps = [("accepted", "accept", {"department": "engineering", "worker": "李师傅"}),
                 ("in_progress", "start", {}), ("done", "done", {}), ("confirmed", "confirm", {"rating": 4})]
        for reached, verb, body in steps:
            if desk_tickets.STATUSES.index(status) < desk_tickets.STATUSES.index(reached):
                break
            who = owner if verb == "confirm" else staff_user
            assert api.post(f"/repairs/{ticket_id}/{verb}", user=who, json=body).status_code == 200
        return ticket_id
    return make


ILLEGAL = [("submitted", "start"), ("submitted", "done"), ("submitted", "confirm"), ("submitted", "reassign"),
           ("submitted", "reopen"), ("accepted", "accept"), ("accepted", "done"), ("accepted", "confirm"),
           ("in_progress", "accept"), ("in_progress", "start"), ("in_progress", "confirm"),
           ("in_progress", "reopen"), ("done", "accept"), ("done", "start"), ("done", "done"), ("done", "reassign"),
           ("confirmed", "confirm"), ("confirmed", "notes"), ("confirmed", "done"), ("confirmed", "reopen")]
FILER_STEPS = {"confirm", "reopen"}


@pytest.mark.parametrize("status,verb", ILLEGAL)
def test_only_legal_transitions(api, owner, staff, repair, status, verb):
    ticket_id = repair(status)
    who = owner if verb in FILER_STEPS else staff
    body = {"department": "security", "worker": "王保安", "note": "说明", "rating": 3, "reason": "还在漏"}
    r = api.post(f"/repairs/{ticket_id}/{verb}", user=who, json=body)
    assert r.status_code == 409 and error_of(r)["code"] == "conflict", (status, verb, r.get_json())
    assert api.get(f"/repairs/{ticket_id}", user=owner).get_json()["status"] == status


STEP_FROM = {"accept": "submitted", "reassign": "accepted", "start": "accepted", "done": "in_progress",
             "notes": "in_progress", "confirm": "done", "reopen": "done"}
ROLES = ["owner", "committee", "resident", "vendor", "staff", "admin"]
# Who may take each step on the owner's repair; the others see 403 if they may read it, else 404.
MAY = {"accept": {"staff", "admin"}, "reassign": {"staff", "admin"}, "start": {"staff", "admin"},
       "done": {"staff", "admin"}, "notes": {"staff", "admin"}, "confirm": {"owner"}, "reopen": {"owner"}}
READERS = {"owner", "committee", "staff", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("verb", sorted(MAY))
def test_who_may_take_each_step(api, everyone, repair, verb, role):
    ticket_id = repair(STEP_FROM[verb])
    body = {"department": "security", "worker": "王保安", "note": "说明", "rating": 4, "reason": "还在漏"}
    r = api.post(f"/repairs/{ticket_id}/{verb}", user=everyone[role], json=body)
    expected = 201 if verb == "notes" else 200
    if role in MAY[verb]:
        assert r.status_code == expected, (verb, role, r.get_json())
    elif role in READERS:
        assert r.status_code == 403 and error_of(r)["code"] == "forbidden", (verb, role)
    else:
        assert r.status_code == 404 and error_of(r)["code"] == "not_found", (verb, role)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_a_repair(api, everyone, repair, role):
    ticket_id = repair()
    r = api.get(f"/repairs/{ticket_id}", user=everyone[role])
    assert r.status_code == (200 if role in READERS else 404)
    listed = api.get("/repairs", user=everyone[role]).get_json()["items"]
    assert [t["id"] for t in listed] == ([ticket_id] if role in READERS else [])
    assert api.get(f"/complaints/{ticket_id}", user=everyone[role]).status_code == 404, "a repair is no complaint"


def test_who_sees_what_of_a_repair(api, owner, staff, committee_member, repair):
    ticket_id = repair()
    as_staff = api.get(f"/repairs/{ticket_id}", user=staff).get_json()
    assert as_staff["author"]["real_name"] == "王伟" and as_staff["author"]["phone"] == owner.phone
    assert as_staff["unit"] == "1-1-101"
    as_committee = api.get(f"/repairs/{ticket_id}", user=committee_member).get_json()
    assert as_committee["author"] is None and as_committee["unit"] is None and as_committee["building"] == "1"
    assert as_committee["timeline"][0]["actor"] is None
    as_owner = api.get(f"/repairs/{ticket_id}", user=owner).get_json()
    assert as_owner["author"]["display_name"] == "一栋老王" and "phone" not in as_owner["author"]


@pytest.mark.parametrize("changes,field", [
    ({"unit": "2-1-102"}, "unit"), ({"unit": None}, "unit"), ({"unit": "9-9-999"}, "unit"),
    ({"common_area": "3号楼电梯"}, "common_area"), ({"category": "garden"}, "category"),
    ({"category": None}, "category"), ({"description": "  "}, "description"), ({"description": "水" * 2001},
                                                                                 "description"),
    ({"attachments": [999]}, "attachments"), ({"attachments": "1"}, "attachments"),
    ({"attachments": list(range(10))}, "attachments"), ({"public": True}, "public"),
])
def test_bad_repairs_are_400_with_the_field(api, owner, changes, field):
    r = file_repair(api, owner, **changes)
    assert r.status_code == 400 and error_of(r)["code"] == "invalid"
    assert error_of(r)["field"] == field, r.get_json()


def test_who_may_file(api, everyone, resident):
    assert file_repair(api, everyone["vendor"], unit=None, common_area="大门").status_code == 403
    r = file_repair(api, everyone["staff"], unit=None, common_area="大门")
    assert r.status_code == 201, "staff file what they find themselves (a fire inspection defect, say)"
    r = file_repair(api, everyone["committee"], unit="1-1-201")
    assert r.status_code == 201, "a committee member files for their own home like any owner"
    r = file_repair(api, resident, unit="2-1-102", category="electrical")
    assert r.status_code == 201 and r.get_json()["category"] == "electrical"
    r = file_repair(api, resident, unit=None, common_area="2号楼电梯", category="lift")
    assert r.status_code == 201 and r.get_json()["unit"] is None and r.get_json()["common_area"] == "2号楼电梯"
    assert file_repair(api, None).status_code == 401


def test_bad_steps_are_400_with_the_field(api, owner, staff, repair):
    ticket_id = repair()
    for body, field in [({"department": "garden", "worker": "x"}, "department"), ({"department": "security"},
                                                                                   "worker"),
                        ({"department": "security", "worker": "x" * 65}, "worker")]:
        r = api.post(f"/repairs/{ticket_id}/accept", user=staff, json=body)
        assert r.status_code == 400 and error_of(r)["field"] == field
    done = repair("done")
    for body, field in [({"rating": 0}, "rating"), ({"rating": 6}, "rating"), ({"rating": "5"}, "rating"),
                        ({"rating": True}, "rating"), ({}, "rating"), ({"rating": 5, "comment": "好" * 501},
                                                                       "comment")]:
        r = api.post(f"/repairs/{done}/confirm", user=owner, json=body)
        assert r.status_code == 400 and error_of(r)["field"] == field, body
    assert error_of(api.post(f"/repairs/{ticket_id}/notes", user=staff, json={}))["field"] == "note"
    assert error_of(api.post(f"/repairs/{ticket_id}/start", user=staff, data="x",
                             content_type="application/json"))["field"] == "body"


def test_photos_are_seen_by_those_who_see_the_request(api, owner, staff, committee_member, resident):
    photo = upload(api, owner)
    ticket_id = file_repair(api, owner, attachments=[photo["id"]]).get_json()["id"]
    for user, status in ((owner, 200), (staff, 200), (committee_member, 200), (resident, 404)):
        response = api.client.get(photo["url"], headers={"Authorization": f"Bearer {api.token_for(user)}"})
        response.get_data()
        response.close()
        assert response.status_code == status, user.role
    r = file_repair(api, owner, attachments=[photo["id"]])
    assert r.status_code == 400 and error_of(r)["field"] == "attachments", "an image belongs to one request"
    other = upload(api, resident)
    r = file_repair(api, owner, attachments=[other["id"]])
    assert r.status_code == 400 and error_of(r)["field"] == "attachments", "only your own uploads"
    assert api.get(f"/repairs/{ticket_id}", user=staff).get_json()["photos"][0]["id"] == photo["id"]


def test_not_fixed_at_the_return_visit_goes_back_to_the_staff(api, owner, staff, committee_member):
    with at(0):
        ticket_id = file_repair(api, owner).get_json()["id"]
    path = f"/repairs/{ticket_id}"
    with at(10):
        api.post(f"{path}/accept", user=staff, json={"department": "engineering", "worker": "李师傅"})
        api.post(f"{path}/start", user=staff)
    with at(120):
        api.post(f"{path}/done", user=staff, json={"note": "已更换阀门。"})
    assert api.get(path, user=owner).get_json()["can"]["reopen"] is True
    assert api.get(path, user=staff).get_json()["can"]["reopen"] is False, "the return visit is the filer's"

    r = api.post(f"{path}/reopen", user=owner, json={"reason": " "})
    assert r.status_code == 400 and error_of(r)["field"] == "reason", "say what is still wrong"
    r = api.post(f"{path}/reopen", user=owner, json={"reason": "好" * 501})
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    assert api.post(f"{path}/reopen", user=committee_member, json={"reason": "x"}).status_code == 403
    with at(24 * 60 + 30):
        r = api.post(f"{path}/reopen", user=owner, json={"reason": "阀门还在滴水。"})
    assert r.status_code == 200, r.get_json()
    t = r.get_json()
    assert t["status"] == "in_progress" and t["done_at"] is None and t["on_time"] is None and t["reopened"] == 1
    assert t["overdue"] == "completion", "its completion target is unchanged, and past"
    assert t["timeline"][-1] | {"actor": None} == {
        "at": "2026-03-03T01:30:00.000Z", "action": "reopened", "status": "in_progress", "by": "filer",
        "note": "阀门还在滴水。", "department": None, "worker": None, "actor": None}
    assert [e["action"] for e in t["timeline"]] == ["filed", "accepted", "started", "done", "reopened"], \
        "the first done stays on the timeline"
    assert api.post(f"{path}/confirm", user=owner, json={"rating": 5}).status_code == 409
    assert api.post(f"{path}/reopen", user=owner, json={"reason": "again"}).status_code == 409

    with at(24 * 60 + 31):
        queue = api.get("/repairs?overdue=1", user=staff).get_json()["items"]
        assert [(q["id"], q["overdue"], q["reopened"]) for q in queue] == [(ticket_id, "completion", 1)], \
            "back with the staff, and past its completion target"
    with at(24 * 60 + 90):
        r = api.post(f"{path}/done", user=staff, json={"note": "更换整个龙头。"})
    assert r.get_json()["status"] == "done" and r.get_json()["done_at"] == "2026-03-03T02:30:00.000Z"
    assert r.get_json()["on_time"] is False, "timeliness counts when it was really done"
    with at(24 * 60 + 120):
        assert api.post(f"{path}/confirm", user=owner, json={"rating": 4}).get_json()["status"] == "confirmed"
    with at(24 * 60 + 121):
        figures = api.get("/figures", user=staff).get_json()
    assert (figures["done"], figures["timeliness"]["hits"], figures["satisfaction"]["hits"]) == (1, 0, 1)


def test_filing_is_limited_per_account(app, api, owner, resident, staff):
    """Ten requests an hour and thirty a day by default, all kinds together; the eleventh waits."""
    for minute in range(10):
        with at(minute):
            kind = ("/repairs", "/complaints")[minute % 2]
            r = api.post(kind, user=owner, json={**REPAIR, "category": "plumbing" if kind == "/repairs" else None})
            assert r.status_code == 201, r.get_json()
    with at(10):
        r = file_repair(api, owner)
        assert r.status_code == 429 and error_of(r)["code"] == "rate_limited"
        assert r.headers["Retry-After"] == "3000", "until the first of the ten is an hour old"
        assert "50" in error_of(r)["message"]
        assert file_repair(api, resident, unit="2-1-102").status_code == 201, "others are not held up"
    with at(60):
        assert file_repair(api, owner).status_code == 201

    app.config["DESK_FILING_LIMITS"] = ((100, 3600), (11, 86400))
    with at(61):
        r = file_repair(api, owner)
    assert r.status_code == 429 and r.headers["Retry-After"] == str(24 * 3600 - 61 * 60), \
        "the day window: the first request (minute 0) must age out"
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 12


def test_overdue_requests_stand_out(api, owner, staff):
    with at(0):
        plumbing = file_repair(api, owner).get_json()["id"]                            # 1 h / 24 h
        lift = file_repair(api, owner, unit=None, common_area="1号楼电梯",
                           category="lift").get_json()["id"]                          # 30 min / 8 h
        walls = file_repair(api, owner, category="walls_ceiling").get_json()["id"]    # 4 h / 120 h

    def overdue(minutes):
        with at(minutes):
            items = api.get("/repairs", user=staff).get_json()["items"]
            flagged = api.get("/repairs?overdue=1", user=staff).get_json()["items"]
        flags = {t["id"]: t["overdue"] for t in items}
        assert {t["id"] for t in flagged} == {i for i, f in flags.items() if f}
        return flags

    assert overdue(29) == {plumbing: None, lift: None, walls: None}
    assert overdue(31) == {plumbing: None, lift: "response", walls: None}
    assert overdue(61) == {plumbing: "response", lift: "response", walls: None}
    with at(61):
        api.post(f"/repairs/{plumbing}/accept", user=staff, json={"department": "engineering", "worker": "李师傅"})
        api.post(f"/repairs/{walls}/accept", user=staff, json={"department": "engineering", "worker": "张师傅"})
    assert overdue(62) == {plumbing: None, lift: "response", walls: None}, "accepted late, but accepted"
    assert overdue(8 * 60 + 1) == {plumbing: None, lift: "completion", walls: None}
    assert overdue(24 * 60 + 1) == {plumbing: "completion", lift: "completion", walls: None}
    with at(24 * 60 + 2):
        api.post(f"/repairs/{plumbing}/start", user=staff)
        done = api.post(f"/repairs/{plumbing}/done", user=staff).get_json()
    assert done["on_time"] is False
    assert overdue(24 * 60 + 3) == {plumbing: None, lift: "completion", walls: None}, "done late is not overdue"
    with at(24 * 60 + 3):
        assert [t["id"] for t in api.get("/repairs?overdue=1&status=submitted", user=staff).get_json()["items"]] \
            == [lift]
        assert api.get("/repairs?overdue=1", user=owner).get_json()["items"][0]["overdue"] == "completion", \
            "the filer sees the flag on their own too"


def test_lists_filter_and_page(api, owner, resident, staff, repair):
    first = repair("accepted")
    second = repair()
    theirs = file_repair(api, resident, unit="2-1-102", category="electrical").get_json()["id"]

    def ids(query, user=staff):
        r = api.get("/repairs" + query, user=user)
        assert r.status_code == 200, r.get_json()
        return [t["id"] for t in r.get_json()["items"]]

    assert ids("") == [theirs, second, first]
    assert ids("", owner) == [second, first] and ids("?scope=mine", owner) == [second, first]
    assert ids("?status=accepted") == [first]
    assert ids("?department=engineering") == [first]
    assert ids("?category=electrical") == [theirs]
    assert ids("?limit=2") == [theirs, second]
    page = api.get("/repairs?limit=2", user=staff).get_json()
    assert ids(f"?limit=2&before={page['next']}") == [first]
    for query, field in [("?status=lost", "status"), ("?department=garden", "department"),
                         ("?category=complaint", "category"), ("?scope=everyone", "scope"), ("?limit=0", "limit")]:
        assert error_of(api.get("/repairs" + query, user=staff))["field"] == field
    assert api.get("/repairs?scope=all", user=owner).status_code == 403
    assert api.get("/repairs?scope=public", user=owner).status_code == 400, "repairs are never public"


# ---- complaints and suggestions -----------------------------------------------------------------

def complain(api, user, **changes):
    return api.post("/complaints", user=user, json={"description": "夜间装修噪音太大，影响休息。", **changes})


def test_a_public_complaint_is_anonymous_to_everyone_but_staff(api, owner, resident, vendor, staff,
                                                               committee_member):
    r = complain(api, owner, public=True, unit="1-1-101")
    assert r.status_code == 201, r.get_json()
    complaint_id = r.get_json()["id"]
    assert r.get_json()["public"] is True and r.get_json()["category"] == "complaint"

    listed = api.get("/complaints?scope=public", user=resident).get_json()["items"]
    assert [c["id"] for c in listed] == [complaint_id]
    seen = api.get(f"/complaints/{complaint_id}", user=resident).get_json()
    assert seen["author"] is None and seen["unit"] is None and seen["building"] is None and seen["mine"] is False
    assert seen["timeline"][0]["actor"] is None and seen["timeline"][0]["by"] == "filer"
    assert "王伟" not in str(seen) and "一栋老王" not in str(seen) and owner.phone not in str(seen)
    as_committee = api.get(f"/complaints/{complaint_id}", user=committee_member).get_json()
    assert as_committee["author"] is None and "一栋老王" not in str(as_committee)
    as_staff = api.get(f"/complaints/{complaint_id}", user=staff).get_json()
    assert as_staff["author"]["real_name"] == "王伟" and as_staff["unit"] == "1-1-101"
    assert api.get(f"/complaints/{complaint_id}", user=vendor).status_code == 404
    assert api.get("/complaints?scope=public", user=vendor).status_code == 403


def test_a_private_complaint_is_between_the_filer_and_the_staff(api, owner, resident, staff):
    complaint_id = complain(api, owner).get_json()["id"]
    assert api.get(f"/complaints/{complaint_id}", user=resident).status_code == 404
    assert api.get("/complaints?scope=public", user=resident).get_json()["items"] == []
    assert api.get("/complaints", user=staff).get_json()["items"][0]["author"]["real_name"] == "王伟"


def test_a_complaint_ends_with_a_report_and_the_filers_confirmation(api, owner, staff):
    complaint_id = complain(api, owner).get_json()["id"]
    r = api.post(f"/complaints/{complaint_id}/accept", user=staff, json={"department": "security"})
    assert r.status_code == 200 and r.get_json()["worker"] is None, "a worker is needed for repairs only"
    api.post(f"/complaints/{complaint_id}/start", user=staff)
    r = api.post(f"/complaints/{complaint_id}/done", user=staff, json={})
    assert r.status_code == 400 and error_of(r)["field"] == "note", "the report is required"
    r = api.post(f"/complaints/{complaint_id}/done", user=staff, json={"note": "已约谈装修户，限定施工时间。"})
    assert r.status_code == 200
    r = api.post(f"/complaints/{complaint_id}/confirm", user=owner, json={"rating": 4})
    assert r.get_json()["status"] == "confirmed"
    assert r.get_json()["timeline"][-2]["note"] == "已约谈装修户，限定施工时间。"
    assert api.post(f"/repairs/{complaint_id}/confirm", user=owner, json={"rating": 4}).status_code == 404


def test_suggestions_follow_the_same_path(api, owner, staff):
    r = api.post("/suggestions", user=owner, json={"description": "建议在2号楼门口加装雨棚。", "public": True,
                                                   "common_area": "2号楼门口"})
    assert r.status_code == 201 and r.get_json()["category"] == "suggestion"
    suggestion_id = r.get_json()["id"]
    due = {k: datetime.fromisoformat(r.get_json()[k].rstrip("Z"))
           for k in ("submitted_at", "response_due_at", "completion_due_at")}
    assert due["response_due_at"] - due["submitted_at"] == timedelta(hours=48)
    assert due["completion_due_at"] - due["submitted_at"] == timedelta(days=7)
    api.post(f"/suggestions/{suggestion_id}/accept", user=staff, json={"department": "developer"})
    api.post(f"/suggestions/{suggestion_id}/start", user=staff)
    api.post(f"/suggestions/{suggestion_id}/done", user=staff, json={"note": "已转交开发商，计划下季度施工。"})
    assert api.post(f"/suggestions/{suggestion_id}/confirm", user=owner, json={"rating": 3}).status_code == 200
    assert api.get("/suggestions", user=staff).get_json()["items"][0]["department"] == "developer"


def test_held_wording_keeps_a_complaint_private(api, owner, resident):
    set_policy(words=[{"word": "黑心物业", "action": "review", "clause": "2.2"},
                      {"word": "蠢货", "action": "block", "clause": "2.2"}])
    r = complain(api, owner, public=True, description="黑心物业不管噪音")
    assert r.status_code == 201 and r.get_json()["public"] is False
    assert api.get("/complaints?scope=public", user=resident).get_json()["items"] == []
    r = complain(api, owner, public=True, description="你们都是蠢货")
    assert r.status_code == 422 and error_of(r)["code"] == "rule_violation"
    assert complain(api, owner, description="你们都是蠢货").status_code == 201, "a private complaint is not published"


def test_due_times_follow_the_targets_in_config(make_app, owner):
    app = make_app(DESK_TARGETS={**desk_tickets.TARGETS, "plumbing": {"response_hours": 2, "completion_hours": 48}})
    with app.app_context(), at(0):
        from community.accounts.models import User
        me = db.session.get(User, owner.id)
        found = desk_tickets.file_ticket(me, "repair", REPAIR)
        assert found.response_due_at == T0 + timedelta(hours=2)
        assert found.completion_due_at == T0 + timedelta(hours=48)
