"""Service figures computed from known requests on a frozen clock: satisfaction and timeliness against their
targets, by department, by category and per (Shanghai) month, the requests overdue now, and the CSV export."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from community.core.timeutil import frozen
from community.desk import figures as desk_figures
from community.desk import tickets as desk_tickets
from tests.conftest import error_of

NOW = datetime(2026, 3, 20, 4, 0)


def carry(staff, owner, kind, filed: datetime, *, department, done_after_h=None, rating=None, **data):
    """File a request at ``filed`` and take it as far as the arguments say, each step on the frozen clock."""
    data.setdefault("description", "测试数据")
    with frozen(filed):
        found = desk_tickets.file_ticket(owner, kind, data)
    if department is None:
        return found.id
    with frozen(filed + timedelta(minutes=20)):
        desk_tickets.accept(staff, kind, found.id, {"department": department, "worker": "李师傅"})
        desk_tickets.start(staff, kind, found.id, {})
    if done_after_h is None:
        return found.id
    done_at = filed + timedelta(hours=done_after_h)
    with frozen(done_at):
        desk_tickets.finish(staff, kind, found.id, {"note": "已处理"})
    if rating is not None:
        with frozen(done_at + timedelta(days=1)):
            desk_tickets.confirm(owner, kind, found.id, {"rating": rating})
    return found.id


@pytest.fixture
def history(owner, staff):
    """Five requests over three months (times in UTC; the estate's months are Shanghai's)."""
    return {
        "A": carry(staff, owner, "repair", datetime(2026, 1, 10, 2), department="engineering", done_after_h=10,
                   rating=5, category="plumbing", unit="1-1-101"),          # on time (24 h), satisfied
        "B": carry(staff, owner, "repair", datetime(2026, 1, 31, 17), department="engineering", done_after_h=10,
                   rating=3, category="lift", common_area="1号楼电梯"),     # 1 Feb in Shanghai; late (8 h)
        "C": carry(staff, owner, "complaint", datetime(2026, 2, 10, 3), department="security", done_after_h=48,
                   rating=4),                                                # on time (72 h), satisfied
        "D": carry(staff, owner, "repair", datetime(2026, 3, 5, 3), department="cleaning", done_after_h=100,
                   category="common_facilities", unit="1-1-102"),          # late (72 h), not rated yet
        "E": carry(staff, owner, "repair", datetime(2026, 3, 18, 3), department=None, category="plumbing",
                   unit="1-1-101"),                                          # still waiting: overdue
    }


def rate(hits, count, target):
    return {"hits": hits, "count": count, "target": target,
            "rate": round(100 * hits / count, 1) if count else None,
            "met": hits * 100 >= target * count if count else None}


def test_figures_from_known_requests(api, committee_member, history):
    with frozen(NOW):
        r = api.get("/figures?months=3", user=committee_member)
    assert r.status_code == 200, r.get_json()
    f = r.get_json()
    assert f["since"] == "2025-12-31T16:00:00.000Z", "1 January in Shanghai"
    assert f["targets"] == {"satisfaction": 90, "timeliness": 85}
    assert (f["filed"], f["done"]) == (5, 4)
    assert f["timeliness"] == rate(2, 4, 85) == {"hits": 2, "count": 4, "target": 85, "rate": 50.0, "met": False}
    assert f["satisfaction"] == rate(2, 3, 90) and f["satisfaction"]["rate"] == 66.7
    assert f["overdue_now"] == 1

    departments = {d["department"]: d for d in f["by_department"]}
    assert list(departments) == ["engineering", "security", "cleaning", "developer", "unassigned"]
    assert departments["engineering"] == {"department": "engineering", "filed": 2, "done": 2,
                                          "timeliness": rate(1, 2, 85), "satisfaction": rate(1, 2, 90)}
    assert departments["security"]["timeliness"]["met"] is True and departments["security"]["satisfaction"] == \
        rate(1, 1, 90)
    assert departments["cleaning"]["timeliness"] == rate(0, 1, 85) and departments["cleaning"]["satisfaction"][
        "rate"] is None
    assert departments["developer"]["filed"] == 0 and departments["unassigned"]["filed"] == 1

    categories = {c["category"]: c for c in f["by_category"]}
    assert list(categories) == ["plumbing", "lift", "common_facilities", "complaint"]
    assert categories["plumbing"]["filed"] == 2 and categories["plumbing"]["timeliness"] == rate(1, 1, 85)
    assert categories["lift"]["satisfaction"] == rate(0, 1, 90)

    months = {m["month"]: m for m in f["monthly"]}
    assert list(months) == ["2026-01", "2026-02", "2026-03"]
    assert months["2026-01"] == {"month": "2026-01", "filed": 1, "done": 1, "timeliness": rate(1, 1, 85),
                                 "satisfaction": rate(1, 1, 90)}
    assert months["2026-02"] == {"month": "2026-02", "filed": 2, "done": 2, "timeliness": rate(1, 2, 85),
                                 "satisfaction": rate(1, 2, 90)}
    assert months["2026-03"] == {"month": "2026-03", "filed": 2, "done": 1, "timeliness": rate(0, 1, 85),
                                 "satisfaction": rate(0, 0, 90)}


def test_the_window_and_the_kind(api, staff, history):
    with frozen(NOW):
        one = api.get("/figures?months=1", user=staff).get_json()
        complaints = api.get("/figures?months=3&kind=complaint", user=staff).get_json()
    assert (one["filed"], one["done"], one["satisfaction"]["count"]) == (2, 1, 0)
    assert [m["month"] for m in one["monthly"]] == ["2026-03"]
    assert (complaints["filed"], complaints["timeliness"], complaints["overdue_now"]) == (1, rate(1, 1, 85), 0)
    for query, field in [("?months=0", "months"), ("?months=37", "months"), ("?kind=party", "kind")]:
        r = api.get("/figures" + query, user=staff)
        assert r.status_code == 400 and error_of(r)["field"] == field


def test_a_rating_changes_the_figures(api, staff, owner):
    with frozen(NOW - timedelta(days=2)):
        ticket_id = carry(staff, owner, "repair", NOW - timedelta(days=2), department="engineering",
                          done_after_h=2, category="plumbing", unit="1-1-101")
    with frozen(NOW):
        before = api.get("/figures", user=staff).get_json()
        api.post(f"/repairs/{ticket_id}/confirm", user=owner, json={"rating": 4})
        after = api.get("/figures", user=staff).get_json()
    assert before["satisfaction"] == rate(0, 0, 90) and before["timeliness"] == rate(1, 1, 85)
    assert after["satisfaction"] == rate(1, 1, 90) and after["satisfaction"]["met"] is True


@pytest.mark.parametrize("hits,count,target,met", [(9, 10, 90, True), (89, 100, 90, False), (17, 20, 85, True),
                                                   (84, 100, 85, False), (0, 0, 90, None)])
def test_targets_are_compared_exactly(hits, count, target, met):
    assert desk_figures._rate(hits, count, target)["met"] is met


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a byte-order mark, so spreadsheets read Chinese"
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export(api, staff, committee_member, history):
    with frozen(NOW):
        monthly = api.get("/figures/export.csv?months=3", user=committee_member)
        requests = api.get("/figures/export.csv?months=3&table=requests", user=staff)
    assert monthly.status_code == 200 and monthly.mimetype == "text/csv"
    assert 'filename="service-figures-monthly.csv"' in monthly.headers["Content-Disposition"]
    rows = read_csv(monthly)
    assert rows[0] == ["month", "filed", "done", "done_on_time", "timeliness_pct", "timeliness_target_pct", "rated",
                       "satisfied", "satisfaction_pct", "satisfaction_target_pct"]
    assert rows[1:] == [["2026-01", "1", "1", "1", "100.0", "85", "1", "1", "100.0", "90"],
                        ["2026-02", "2", "2", "1", "50.0", "85", "2", "1", "50.0", "90"],
                        ["2026-03", "2", "1", "0", "0.0", "85", "0", "0", "", "90"]]

    rows = read_csv(requests)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["id", "kind", "category", "department", "status", "building"]
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    assert sorted(by_id) == sorted(history.values())
    a, b, e = by_id[history["A"]], by_id[history["B"]], by_id[history["E"]]
    assert (a["building"], a["done_on_time"], a["accepted_on_time"], a["rating"]) == ("1", "1", "1", "5")
    assert (b["building"], b["done_on_time"], b["rating"]) == ("", "0", "3"), "a common area has no building"
    assert (e["status"], e["department"], e["done_at"], e["done_on_time"]) == ("submitted", "", "", "")
    assert a["submitted_at"] == "2026-01-10T10:00:00+08:00", "local time with its offset"
    text = requests.get_data(as_text=True)
    assert "王伟" not in text and "一栋老王" not in text and "1-1-101" not in text, "no personal data"
    with frozen(NOW):
        r = api.get("/figures/export.csv?table=people", user=staff)
    assert r.status_code == 400 and error_of(r)["field"] == "table"


@pytest.mark.parametrize("role,status", [("staff", 200), ("admin", 200), ("committee", 200), ("owner", 403),
                                         ("resident", 403), ("vendor", 403)])
def test_who_sees_the_figures(api, everyone, role, status):
    assert api.get("/figures", user=everyone[role]).status_code == status
    assert api.get("/figures/export.csv", user=everyone[role]).status_code == status
