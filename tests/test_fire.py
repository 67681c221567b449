"""Fire safety: the register and its alerts, rounds made once per period by the jobs, overdue rounds on a moved
clock, check-ins by label code, a defect opening exactly one repair request, and who may read and write."""

import io
from datetime import datetime, timedelta

import pytest
from PIL import Image

from community.core.timeutil import frozen
from community.desk.models import Ticket
from community.extensions import db
from community.fire import alerts, jobs, services
from community.fire.models import FireAlert, FireDefect, FireRound, FireTask
from community.jobs import run_all
from tests.conftest import error_of

T0 = datetime(2026, 12, 2, 2, 0)  # 10:00 in the estate (Asia/Shanghai)


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def upload(api, user) -> int:
    r = api.post("/attachments", user=user, data={"file": (io.BytesIO(png()), "defect.png")},
                 content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def facility(api, staff, **changes):
    body = {"building": "1", "floor": "3", "kind": "extinguisher", "location": "3楼电梯厅东侧",
            "model": "ABC干粉", "capacity": "4kg", "expires_on": "2027-06-30", **changes}
    r = api.post("/fire/facilities", user=staff, json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


@pytest.fixture
def monthly(api, staff, roster):
    """Three facilities of building 1 on a monthly route."""
    with frozen(T0):
        made = [facility(api, staff, floor=str(n), location=f"{n}楼消火栓旁") for n in (1, 2, 3)]
        route = api.post("/fire/routes", user=staff, json={"name": "1号楼月检", "building": "1",
                                                           "facility_ids": [f["id"] for f in made]}).get_json()
        plan = api.post("/fire/plans", user=staff, json={"route_id": route["id"], "frequency": "monthly"})
        assert plan.status_code == 201, plan.get_json()
    return made


def only_round():
    rounds = list(db.session.scalars(db.select(FireRound)))
    assert len(rounds) == 1
    return rounds[0]


def test_a_monthly_plan_makes_its_tasks_once_per_period_however_often_the_jobs_run(app, monthly):
    with frozen(T0):
        first = run_all()["fire"]
        second = run_all()["fire"]
    assert first["rounds_created"] == 1 and second["rounds_created"] == 0
    found = only_round()
    assert found.period == "2026-12" and found.status == "open"
    assert found.starts_at == datetime(2026, 11, 30, 16, 0) and found.due_at == datetime(2026, 12, 31, 16, 0)
    assert db.session.scalar(db.select(db.func.count()).select_from(FireTask)) == 3
    with frozen(T0 + timedelta(days=20)):
        assert jobs.run(T0 + timedelta(days=20))["rounds_created"] == 0, "still December"
    with frozen(datetime(2027, 1, 1, 1, 0)):
        assert jobs.run(datetime(2027, 1, 1, 1, 0))["rounds_created"] == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(FireTask)) == 6


@pytest.mark.parametrize("frequency,period", [("daily", "2026-12-02"), ("weekly", "2026-W49"),
                                              ("yearly", "2026")])
def test_other_frequencies_name_their_period(api, staff, roster, frequency, period):
    with frozen(T0):
        made = facility(api, staff)
        route = api.post("/fire/routes", user=staff, json={"name": "r", "facility_ids": [made["id"]]}).get_json()
        api.post("/fire/plans", user=staff, json={"route_id": route["id"], "frequency": frequency})
        services.generate_rounds(T0)
        services.generate_rounds(T0)
    assert only_round().period == period


def test_a_skipped_round_becomes_overdue_and_the_committee_sees_it(api, monthly, committee_member, owner):
    with frozen(T0):
        jobs.run(T0)
    late = datetime(2027, 1, 1, 0, 0)
    with frozen(late):
        done = jobs.run(late)
        again = jobs.run(late)
    assert done["rounds_overdue"] == 1 and again["rounds_overdue"] == 0
    r = api.get("/fire/rounds?status=overdue", user=committee_member)
    assert r.status_code == 200 and [x["period"] for x in r.get_json()["items"]] == ["2026-12"]
    with frozen(late):
        estate = api.get("/fire/status?month=2026-12", user=committee_member).get_json()
    assert [x["period"] for x in estate["overdue_rounds"]] == ["2026-12"]
    assert estate["buildings"][0]["rounds"] == {"due": 1, "on_time": 0, "overdue": 1, "late": 0}
    assert estate["buildings"][0]["facilities"] == {"total": 3, "defective": 0, "overdue": 0, "ok": 3}
    assert api.get("/fire/rounds", user=owner).status_code == 403


def test_a_round_walked_by_scanning_codes_is_done_on_time(api, staff, monthly):
    with frozen(T0):
        jobs.run(T0)
        round_id = only_round().id
        scan = api.get(f"/fire/scan/{monthly[0]['code']}", user=staff).get_json()
        assert [t["round_id"] for t in scan["open_tasks"]] == [round_id]
        for f in monthly:
            r = api.post(f"/fire/rounds/{round_id}/checks", user=staff,
                         json={"facility_code": f["code"], "result": "ok"})
            assert r.status_code == 201, r.get_json()
        again = api.post(f"/fire/rounds/{round_id}/checks", user=staff,
                         json={"facility_code": monthly[0]["code"], "result": "ok"})
        assert again.status_code == 409
        page = api.get(f"/fire/rounds/{round_id}", user=staff).get_json()
    assert page["status"] == "done" and page["on_time"] is True and page["checked"] == 3
    history = api.get(f"/fire/facilities/{monthly[0]['id']}", user=staff).get_json()["history"]
    assert [h["action"] for h in history] == ["registered", "checked_ok"]


def test_a_defect_opens_exactly_one_repair_request_in_engineering(api, staff, monthly, committee_member):
    photo = upload(api, staff)
    with frozen(T0):
        jobs.run(T0)
        round_id = only_round().id
        r = api.post(f"/fire/rounds/{round_id}/checks", user=staff,
                     json={"facility_code": monthly[1]["code"], "result": "defect", "note": "压力表指针在红区",
                           "attachment_id": photo})
        assert r.status_code == 201, r.get_json()
        defect = r.get_json()["defect"]
        assert defect["repair"] == "filed" and defect["ref"] == f"fire_defect:{defect['id']}"
        # the jobs' retry and a second check-in find nothing more to file
        assert jobs.run(T0)["repairs_filed"] == 0
        assert services.open_repair(staff, defect["id"]) is None
    tickets = list(db.session.scalars(db.select(Ticket)))
    assert len(tickets) == 1
    ticket = tickets[0]
    assert ticket.kind == "repair" and ticket.department == "engineering" and ticket.status == "accepted"
    assert f"fire_defect:{defect['id']}" in ticket.description and ticket.id == defect["ticket_id"]
    assert api.get(f"/repairs/{ticket.id}", user=committee_member).get_json()["photos"], "the photo travels along"
    f = api.get(f"/fire/facilities/{monthly[1]['id']}", user=staff).get_json()
    assert f["condition"] == "defective" and f["history"][-1]["action"] == "defect"
    fixed = api.post(f"/fire/defects/{defect['id']}/repaired", user=staff, json={"note": "已更换"})
    assert fixed.status_code == 200 and fixed.get_json()["facility"]["condition"] == "ok"


def test_a_refused_filing_is_retried_by_the_jobs_and_still_files_once(app, api, staff, monthly):
    app.config["DESK_FILING_LIMITS"] = ((1, 3600),)
    with frozen(T0):
        jobs.run(T0)
        round_id = only_round().id
        for f in monthly[:2]:
            r = api.post(f"/fire/rounds/{round_id}/checks", user=staff,
                         json={"facility_code": f["code"], "result": "defect", "note": "箱门锁死"})
            assert r.status_code == 201
    states = [d.ticket_id is not None for d in db.session.scalars(db.select(FireDefect).order_by(FireDefect.id))]
    assert states == [True, False], "the desk's limit refused the second filing"
    later = T0 + timedelta(hours=2)
    with frozen(later):
        assert jobs.run(later)["repairs_filed"] == 1
        assert jobs.run(later)["repairs_filed"] == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Ticket)) == 2


def test_an_expiring_extinguisher_alerts_before_its_date(api, staff, roster):
    with frozen(T0):
        soon = facility(api, staff, expires_on="2026-12-20")
        facility(api, staff, expires_on="2027-06-30", location="远期")
        assert alerts.raise_alerts(T0) == 1
        assert alerts.raise_alerts(T0) == 0, "once per facility and date"
        items = api.get("/fire/alerts", user=staff).get_json()["items"]
    assert [(a["facility"]["id"], a["kind"], a["days_left"]) for a in items] == [(soon["id"], "expiry", 18)]
    assert api.get(f"/fire/facilities/{soon['id']}", user=staff).get_json()["due"] == "due_soon"
    with frozen(T0):
        api.patch(f"/fire/facilities/{soon['id']}", user=staff, json={"expires_on": "2027-12-20"})
        assert api.get("/fire/alerts", user=staff).get_json()["items"] == [], "refilled: the alert is answered"
    assert db.session.scalar(db.select(db.func.count()).select_from(FireAlert)) == 1


def test_the_register_validates_and_only_staff_write(api, everyone, roster):
    staff, committee = everyone["staff"], everyone["committee"]
    for changes, field in [({"kind": "bucket"}, "kind"), ({"building": "9"}, "building"),
                           ({"expires_on": "2027-02-30"}, "expires_on"), ({"location": ""}, "location")]:
        r = api.post("/fire/facilities", user=staff, json={"building": "1", "floor": "1", "kind": "hydrant",
                                                           "location": "x", **changes})
        assert r.status_code == 400 and error_of(r)["field"] == field
    made = facility(api, staff)
    for role in ("committee", "owner", "resident", "vendor"):
        assert api.post("/fire/facilities", user=everyone[role], json={}).status_code == 403
        assert api.patch(f"/fire/facilities/{made['id']}", user=everyone[role], json={}).status_code == 403
    assert api.get(f"/fire/facilities/{made['id']}", user=committee).status_code == 200
    assert api.get(f"/fire/facilities/{made['id']}", user=everyone["owner"]).status_code == 404
    assert api.get("/fire/facilities").status_code == 401
    labelled = api.get(f"/fire/scan/{made['code']}", user=everyone["owner"]).get_json()
    assert labelled["kind"] == "extinguisher" and "open_tasks" not in labelled and "facility" not in labelled


def test_the_committee_reads_everything_and_writes_nothing(api, staff, committee_member, monthly):
    with frozen(T0):
        jobs.run(T0)
        round_id = only_round().id
    for path in ("/fire/facilities", "/fire/rounds", "/fire/defects", "/fire/alerts", "/fire/roster",
                 "/fire/status", "/fire/hazards?scope=all", f"/fire/rounds/{round_id}"):
        assert api.get(path, user=committee_member).status_code == 200, path
    writes = [("/fire/facilities", {}), (f"/fire/rounds/{round_id}/checks", {}), ("/fire/routes", {}),
              ("/fire/plans", {}), ("/fire/staff", {}), ("/fire/shifts", {}), ("/fire/drills", {})]
    for path, body in writes:
        r = api.post(path, user=committee_member, json=body)
        assert r.status_code == 403 and error_of(r)["code"] == "forbidden", path


def test_two_runners_at_once_make_each_round_once(app, monthly):
    """Two processes' jobs at the same moment, each with its own session: the unique period decides."""
    import threading

    barrier = threading.Barrier(2)
    made, errors = [], []

    def runner():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                made.append(services.generate_rounds(T0))
                db.session.remove()
        except Exception as error:  # reported below: a thread's failure would otherwise pass silently
            errors.append(error)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert sorted(made) == [0, 1]
    db.session.expire_all()
    assert len(list(db.session.scalars(db.select(FireRound)))) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(FireTask)) == 3


def test_a_failed_triage_still_leaves_exactly_one_repair_request(app, api, staff, monthly):
    app.config["FIRE_REPAIR_WORKER"] = "x" * 200  # longer than the desk accepts: accept() refuses
    with frozen(T0):
        jobs.run(T0)
        round_id = only_round().id
        r = api.post(f"/fire/rounds/{round_id}/checks", user=staff,
                     json={"facility_code": monthly[0]["code"], "result": "defect", "note": "喷头漏水"})
        assert r.status_code == 201 and r.get_json()["defect"]["repair"] == "filed"
        assert jobs.run(T0)["repairs_filed"] == 0
    tickets = list(db.session.scalars(db.select(Ticket)))
    assert [(t.status, t.department) for t in tickets] == [("submitted", None)]
