"""The maintenance fund: the per-unit ledger, splits by area, reversals, who sees which account, the
low-balance warning, use applications with their vote or site check, common income, disclosures and requests."""

from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from community.core.timeutil import frozen, iso, utcnow
from community.fund import ledger
from community.fund.split import split_by_area
from community.jobs import run_all
from tests.conftest import error_of
from tests.fixtures.people import ROSTER, id_number

CODES = [u["code"] for u in ROSTER]
AREAS = {u["code"]: int(u["area"].replace(".", "")) for u in ROSTER}


# ---- the split -------------------------------------------------------------------------------------

def fraction_split(total: int, units: list[tuple[str, int]]) -> dict[str, int]:
    """An independent reading of the written rule: exact quotas as fractions, floors, then the leftover fen to
    the largest fractional parts, equal parts to the smaller code."""
    area = sum(a for _c, a in units)
    quotas = {code: Fraction(total * a, area) for code, a in units}
    floors = {code: q.numerator // q.denominator for code, q in quotas.items()}
    order = sorted(quotas, key=lambda c: (-(quotas[c] - floors[c]), c))
    for code in order[:total - sum(floors.values())]:
        floors[code] += 1
    return floors


unit_lists = st.dictionaries(st.text("0123456789-AB", min_size=1, max_size=8), st.integers(1, 10**7),
                             min_size=1, max_size=40).map(lambda d: list(d.items()))


@settings(max_examples=300, deadline=None)
@given(total=st.integers(0, 10**12), units=unit_lists)
def test_split_sums_exactly_and_matches_the_fraction_split(total, units):
    shares = split_by_area(total, units)
    assert sum(shares.values()) == total
    assert shares == fraction_split(total, units)
    assert split_by_area(-total, units) == {c: -v for c, v in shares.items()}
    assert all(v >= 0 for v in shares.values())


def test_split_ties_go_to_the_smaller_code():
    assert split_by_area(1, [("B", 100), ("A", 100)]) == {"A": 1, "B": 0}
    assert split_by_area(2, [("3", 1), ("1", 1), ("2", 1)]) == {"1": 1, "2": 1, "3": 0}


# ---- the ledger ------------------------------------------------------------------------------------

def opening_rows():
    return [{"unit": code, "amount": f"{1000 + i * 111}.{i:02d}"} for i, code in enumerate(CODES)]


def balances(api, user):
    return {c: api.get(f"/fund/units/{c}/ledger", user=user).get_json()["balance"] for c in CODES}


def test_opening_import_refuses_a_bad_row_and_imports_nothing(api, staff, roster):
    rows = opening_rows()
    rows[3] = {"unit": "9-9-999", "amount": "10.00"}
    r = api.post("/fund/opening-balances", user=staff, json={"rows": rows})
    assert r.status_code == 400 and error_of(r)["field"] == "row 5"
    assert "5" in error_of(r)["message"]
    rows[3] = {"unit": CODES[3], "amount": "12.345"}
    assert error_of(api.post("/fund/opening-balances", user=staff, json={"rows": rows}))["field"] == "row 5"
    rows[3] = {"unit": CODES[0], "amount": "1.00"}
    assert error_of(api.post("/fund/opening-balances", user=staff, json={"rows": rows}))["field"] == "row 5"
    assert set(balances(api, staff).values()) == {"0.00"}
    r = api.post("/fund/opening-balances", user=staff, json={"rows": opening_rows()})
    assert r.status_code == 201 and r.get_json()["imported"] == 6
    again = api.post("/fund/opening-balances", user=staff, json={"rows": opening_rows()[:1]})
    assert again.status_code == 400 and error_of(again)["field"] == "row 2"


def test_csv_numbers_rows_as_in_the_file(app, staff, roster):
    rows = ledger.parse_opening_csv(b"unit,amount\n1-1-101,10.00\n\n1-1-102,abc\n")
    with pytest.raises(Exception) as caught:
        ledger.import_opening(staff, rows)
    assert caught.value.field == "row 4"
    with pytest.raises(Exception) as caught:
        ledger.parse_opening_csv(b"code;money\n")
    assert caught.value.field == "row 1"


def test_cli_imports_opening_balances(app, roster, tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("unit,amount\n1-1-101,5000.00\n2-1-101,1.23\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["fund", "import-opening", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 2" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,amount\n1-1-102,1.00\nnope,1\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["fund", "import-opening", str(bad)])
    assert result.exit_code != 0 and "row 3" in result.output


def test_interest_and_charges_split_by_area_and_reversal_restores_every_unit(api, staff, roster):
    api.post("/fund/opening-balances", user=staff, json={"rows": opening_rows()})
    before = balances(api, staff)
    r = api.post("/fund/interest", user=staff, json={"amount": "100.01", "memo": "2026年利息"})
    assert r.status_code == 201 and r.get_json()["total"] == "100.01"
    after = balances(api, staff)
    gained = {c: int(after[c].replace(".", "")) - int(before[c].replace(".", "")) for c in CODES}
    assert gained == fraction_split(10001, list(AREAS.items()))
    batch = r.get_json()["batch_id"]
    r = api.post(f"/fund/batches/{batch}/reverse", user=staff, json={"reason": "利息录错"})
    assert r.status_code == 201 and r.get_json()["total"] == "-100.01"
    assert balances(api, staff) == before
    assert api.post(f"/fund/batches/{batch}/reverse", user=staff, json={"reason": "再冲"}).status_code == 409
    listing = api.get("/fund/batches", user=staff).get_json()["items"]
    assert [b["kind"] for b in listing][:2] == ["reversal", "interest"] and listing[1]["reversed"]


def test_owners_see_only_their_units_and_totals(api, staff, owner, committee_member, resident, roster):
    api.post("/fund/opening-balances", user=staff, json={"rows": opening_rows()})
    assert api.get("/fund/units/1-1-101/ledger", user=owner).status_code == 200
    assert api.get("/fund/units/1-1-102/ledger", user=owner).status_code == 200  # on the roster as his too
    for code in ("1-1-201", "2-1-101", "3-1-1001"):
        assert api.get(f"/fund/units/{code}/ledger", user=owner).status_code == 404
    assert api.get("/fund/units/1-1-101/ledger", user=resident).status_code == 404
    assert api.get("/fund/units/no-such/ledger", user=owner).status_code == 404
    assert api.get("/fund/units/2-1-101/ledger", user=committee_member).status_code == 200
    assert [u["unit"] for u in api.get("/fund/me", user=owner).get_json()["items"]] == ["1-1-101", "1-1-102"]
    totals = api.get("/fund/totals", user=resident).get_json()
    assert [b["building"] for b in totals["buildings"]] == ["1", "2", "3"]
    assert api.get("/fund/units/1-1-101/ledger").status_code == 401


def test_only_staff_move_money(api, committee_member, owner, roster):
    for user in (committee_member, owner):
        assert api.post("/fund/opening-balances", user=user, json={"rows": opening_rows()}).status_code == 403
        assert api.post("/fund/interest", user=user, json={"amount": "1", "memo": "x"}).status_code == 403
        assert api.post("/fund/batches/1/reverse", user=user, json={"reason": "x"}).status_code == 403
        assert api.post("/income/transfers", user=user, json={"amount": "1", "memo": "x"}).status_code == 403


def test_low_balance_warning_and_its_setting(api, staff, owner, roster):
    api.post("/fund/opening-balances", user=staff, json={"rows": [{"unit": "2-1-101", "amount": "1000.00"},
                                                                  {"unit": "2-1-102", "amount": "1000.00"}]})
    building = lambda: next(b for b in api.get("/fund/totals", user=owner).get_json()["buildings"]  # noqa: E731
                            if b["building"] == "2")
    assert building()["low"] is False and building()["threshold"] == "600.00"
    units = [(u.id, u.code, u.area_centi) for u in ledger.bearing_units(building="2")]
    from community.extensions import db
    ledger.charge_units(staff, 150001, units, "外墙维修")
    db.session.commit()
    b = building()
    assert b["balance"] == "499.99" and b["low"] is True and b["top_up"] == "100.01"
    assert api.patch("/fund/settings", user=owner, json={"low_balance_percent": 20}).status_code == 403
    assert api.patch("/fund/settings", user=staff, json={"low_balance_percent": 101}).status_code == 400
    assert api.patch("/fund/settings", user=staff, json={"low_balance_percent": 20}).status_code == 200
    assert building()["low"] is False


# ---- use applications ------------------------------------------------------------------------------

def lift_plan(**extra):
    return {"title": "3号楼电梯维修", "facility": "3号楼1单元电梯", "project": "更换曳引机和钢丝绳",
            "quotes": "甲公司 12,000.00；乙公司 12,800.00", "budget": "12000.00", "building": "3"} | extra


@pytest.fixture
def owners(make_user, owner, committee_member):
    return [owner, committee_member,
            make_user(real_name="张敏", id_number=id_number(3), unit="2-1-101", relation="owner"),
            make_user(real_name="刘洋", id_number=id_number(4), unit="2-1-102", relation="owner")]


def passed_vote(api, committee_member, owners, matter=5) -> int:
    # opened at once: the notice period is the assembly's business, not the fund's
    assert api.patch("/votes/procedure", user=committee_member, json={"notice_days": 0}).status_code == 200
    r = api.post("/votes", user=committee_member, json={
        "title": "使用维修资金", "body": "表决使用方案", "matter": matter, "secret": False,
        "closes_at": iso(utcnow() + timedelta(days=7))})
    vote_id = r.get_json()["id"]
    assert api.post(f"/votes/{vote_id}/open", user=committee_member).status_code == 200
    for user in owners:
        assert api.post(f"/votes/{vote_id}/ballots", user=user, json={"choice": "yes"}).status_code == 201
    return vote_id


def test_draft_shows_every_share_before_any_vote(api, staff, owner, roster):
    r = api.post("/fund/applications", user=staff, json=lift_plan())
    assert r.status_code == 201, r.get_json()
    plan = r.get_json()
    assert plan["status"] == "draft" and plan["shares"] == [{"unit": "3-1-1001", "area": "140.80",
                                                             "share": "12000.00"}]
    assert api.get(f"/fund/applications/{plan['id']}", user=owner).status_code == 404  # a draft is not public
    r = api.post("/fund/applications", user=staff, json=lift_plan(building=None, units=CODES, budget="100.00"))
    shares = {s["unit"]: int(s["share"].replace(".", "")) for s in r.get_json()["shares"]}
    assert shares == fraction_split(10000, list(AREAS.items()))
    bad = api.post("/fund/applications", user=staff, json=lift_plan(building=None, units=["1-1-101", "nope"]))
    assert bad.status_code == 400 and error_of(bad)["field"] == "units"


def test_ordinary_path_from_draft_to_settlement(api, staff, committee_member, owner, owners, roster):
    api.post("/fund/opening-balances", user=staff, json={"rows": opening_rows()})
    before = balances(api, staff)
    plan = api.post("/fund/applications", user=staff, json=lift_plan(building=None, units=CODES)).get_json()
    pid = plan["id"]
    step = lambda name, user, **body: api.post(f"/fund/applications/{pid}/{name}", user=user, json=body)  # noqa
    early_vote = passed_vote(api, committee_member, owners)
    assert step("approve", committee_member, vote_id=early_vote).status_code == 409  # not reviewed yet
    assert step("publish", committee_member).status_code == 403
    r = step("publish", staff)
    assert r.status_code == 200 and r.get_json()["thread_id"]
    thread = api.get(f"/threads/{r.get_json()['thread_id']}", user=owner)
    assert thread.status_code == 200 and "3号楼电梯维修" in thread.get_json()["title"]
    assert step("review", staff, note="x").status_code == 403
    assert step("review", committee_member, note="方案与报价核对无误").status_code == 200
    # a vote held before publication does not approve it
    api.post(f"/votes/{early_vote}/close", user=committee_member, json={"reason": "全体业主均已投票"})
    assert error_of(step("approve", committee_member, vote_id=early_vote))["field"] == "vote_id"
    wrong_matter = passed_vote(api, committee_member, owners, matter=6)
    api.post(f"/votes/{wrong_matter}/close", user=committee_member, json={"reason": "全体业主均已投票"})
    assert error_of(step("approve", committee_member, vote_id=wrong_matter))["field"] == "vote_id"
    vote_id = passed_vote(api, committee_member, owners)
    assert step("approve", committee_member, vote_id=vote_id).status_code == 409  # still open
    assert api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "全体业主均已投票"}).status_code == 200
    r = step("approve", committee_member, vote_id=vote_id)
    assert r.status_code == 200 and r.get_json()["status"] == "approved" and r.get_json()["vote_id"] == vote_id
    assert error_of(step("file", committee_member, reference="京房维备2026-031", date="2999-01-01"))["field"] == "date"
    assert step("file", committee_member, reference="京房维备2026-031", date="2026-12-01").status_code == 200
    assert step("settle", staff, amount="100", invoices="发票").status_code == 409
    assert step("progress", staff, note="曳引机已到场").status_code == 200
    assert step("accept", committee_member, note="运行正常，验收合格").status_code == 200
    assert step("settle", committee_member, amount="11000.00", invoices="x").status_code == 403
    assert error_of(step("settle", staff, amount="12000.01", invoices="x"))["field"] == "amount"
    r = step("settle", staff, amount="11000.00", invoices="发票号 0012345、0012346")
    assert r.status_code == 200 and r.get_json()["status"] == "settled"
    after = balances(api, staff)
    charged = {c: int(before[c].replace(".", "")) - int(after[c].replace(".", "")) for c in CODES}
    assert charged == fraction_split(1100000, list(AREAS.items()))
    seen = api.get(f"/fund/applications/{pid}", user=owner).get_json()
    assert {s["unit"] for s in seen["my_shares"]} == {"1-1-101", "1-1-102"}
    assert [e["kind"] for e in seen["events"]] == ["drafted", "published", "reviewed", "approved", "filed",
                                                   "progress", "accepted", "settled"]
    # the charge is reversible like any batch, restoring every unit
    assert api.post(f"/fund/batches/{seen['batch_id']}/reverse", user=staff, json={"reason": "银行退回"}).status_code == 201
    assert balances(api, staff) == before


def test_the_vote_must_have_exactly_the_bearing_units(api, staff, committee_member, owners, roster):
    pid = api.post("/fund/applications", user=staff, json=lift_plan()).get_json()["id"]  # building 3 only
    api.post(f"/fund/applications/{pid}/publish", user=staff)
    api.post(f"/fund/applications/{pid}/review", user=committee_member, json={"note": "ok"})
    vote_id = passed_vote(api, committee_member, owners)  # the whole estate: not the bearing units
    api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "全体业主均已投票"})
    r = api.post(f"/fund/applications/{pid}/approve", user=committee_member, json={"vote_id": vote_id})
    assert r.status_code == 400 and error_of(r)["field"] == "vote_id"


def test_emergency_needs_the_site_check_and_is_published_afterwards(api, staff, committee_member, owner, roster):
    plan = api.post("/fund/applications", user=staff, json=lift_plan(emergency=True, emergency_kind="lift"))
    pid = plan.get_json()["id"]
    assert api.post(f"/fund/applications/{pid}/publish", user=staff).status_code == 409
    assert api.post(f"/fund/applications/{pid}/approve", user=committee_member, json={}).status_code == 409
    assert api.post(f"/fund/applications/{pid}/site-check", user=staff, json={"note": "x"}).status_code == 403
    r = api.post(f"/fund/applications/{pid}/site-check", user=committee_member,
                 json={"note": "电梯困人，钢丝绳断股，现场确认停用"})
    assert r.status_code == 200 and r.get_json()["status"] == "site_checked"
    assert api.post(f"/fund/applications/{pid}/approve", user=committee_member, json={}).status_code == 200
    api.post(f"/fund/applications/{pid}/file", user=committee_member, json={"reference": "应急2026-01",
                                                                          "date": "2026-12-01"})
    api.post(f"/fund/applications/{pid}/accept", user=committee_member, json={"note": "合格"})
    r = api.post(f"/fund/applications/{pid}/settle", user=staff, json={"amount": "9000.00", "invoices": "发票"})
    assert r.status_code == 200 and r.get_json()["thread_id"] and r.get_json()["published_at"]
    assert api.get(f"/fund/applications/{pid}", user=owner).status_code == 200
    assert api.post("/fund/applications", user=staff,
                    json=lift_plan(emergency=True, emergency_kind="party")).status_code == 400


# ---- common income ---------------------------------------------------------------------------------

def test_income_receipts_costs_shares_and_transfer_into_the_fund(api, staff, owner, roster):
    r = api.post("/income/contracts", user=staff, json={"common_part": "电梯广告位", "payer": "某传媒公司",
                                                         "amount": "6000.00", "starts_on": "2026-01-01",
                                                         "ends_on": "2026-12-31"})
    assert r.status_code == 201
    cid = r.get_json()["id"]
    assert api.post("/income/entries", user=staff, json={"kind": "receipt", "contract_id": cid,
                                                          "amount": "6000.00", "memo": "上半年"}).status_code == 201
    assert api.post("/income/entries", user=staff, json={"kind": "cost", "amount": "600.00",
                                                          "memo": "代收管理成本"}).status_code == 201
    assert error_of(api.post("/income/transfers", user=staff, json={"amount": "5400.01", "memo": "x"}))["field"] == "amount"
    summary = api.get("/income/summary", user=owner).get_json()
    assert summary["on_hand"] == "5400.00" and summary["can_manage"] is False
    split = fraction_split(540000, list(AREAS.items()))
    assert {s["unit"]: int(s["share"].replace(".", "")) for s in summary["my_shares"]} == {
        c: split[c] for c in ("1-1-101", "1-1-102")}
    r = api.post("/income/transfers", user=staff, json={"amount": "5400.00", "memo": "公共收益转入维修资金"})
    assert r.status_code == 201 and r.get_json()["fund_batch_id"]
    assert api.get("/income/summary", user=owner).get_json()["on_hand"] == "0.00"
    assert balances(api, staff) == {c: ledger.format_money(split[c]) for c in CODES}


# ---- disclosures and requests ----------------------------------------------------------------------

def test_disclosures_go_overdue_with_a_moved_clock(api, staff, committee_member, owner, roster):
    items = api.get("/fund/disclosures", user=owner).get_json()["items"]
    assert {i["topic"] for i in items} == {"services", "fees", "fund_use", "income"}
    assert not any(i["overdue"] for i in items)
    later = utcnow() + timedelta(days=200)
    with frozen(later):
        assert run_all(later)["fund"]["disclosures_overdue"] == 4
        assert run_all(later)["fund"]["disclosures_overdue"] == 0  # once only
        seen = {i["topic"]: i for i in api.get("/fund/disclosures", user=committee_member).get_json()["items"]}
        assert seen["income"]["overdue"] and seen["income"]["overdue_since"]
        assert api.post("/fund/disclosures/income", user=owner, json={"summary": "x"}).status_code == 403
        assert api.post("/fund/disclosures/income", user=staff, json={"summary": "2026年上半年公共收益 5,400.00 元"}
                        ).status_code == 201
        seen = {i["topic"]: i for i in api.get("/fund/disclosures", user=owner).get_json()["items"]}
        assert not seen["income"]["overdue"] and seen["income"]["last"]["summary"].startswith("2026")
        assert seen["fees"]["overdue"]


def test_requests_tracked_to_an_answer(api, staff, owner, committee_member, resident, roster):
    assert api.post("/fund/requests", user=resident, json={"kind": "information", "question": "?"}).status_code == 403
    bad = api.post("/fund/requests", user=owner, json={"kind": "recheck", "question": "?", "unit": "2-1-101"})
    assert bad.status_code == 400 and error_of(bad)["field"] == "unit"
    r = api.post("/fund/requests", user=owner, json={"kind": "recheck", "question": "利息分摊是否有误？",
                                                      "unit": "1-1-102"})
    assert r.status_code == 201
    rid = r.get_json()["id"]
    later = utcnow() + timedelta(days=16)
    with frozen(later):
        assert run_all(later)["fund"]["requests_overdue"] == 1
        assert api.get("/fund/requests", user=committee_member).get_json()["items"][0]["overdue"]
    assert api.post(f"/fund/requests/{rid}/answer", user=committee_member, json={"answer": "x"}).status_code == 403
    assert api.post(f"/fund/requests/{rid}/answer", user=staff, json={"answer": "已复核，分摊无误"}).status_code == 200
    assert api.post(f"/fund/requests/{rid}/answer", user=staff, json={"answer": "again"}).status_code == 409
    mine = api.get("/fund/requests", user=owner).get_json()["items"]
    assert mine[0]["answer"] == "已复核，分摊无误" and not mine[0]["overdue"]


# ---- statements ------------------------------------------------------------------------------------

def test_statement_pdf_carries_the_audit_chain_head(api, staff, owner, roster):
    from community.audit.services import chain_head
    api.post("/fund/opening-balances", user=staff, json={"rows": opening_rows()})
    year = datetime.now().year
    r = api.get(f"/fund/units/1-1-101/statement.pdf?year={year}", user=owner)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert api.get("/fund/units/2-1-101/statement.pdf", user=owner).status_code == 404
    from community.fund import statements
    s = statements.unit_statement(owner, "1-1-101", year)
    assert s["chain"] == chain_head() and s["totals"]["closing"] == "1000.00"
    b = statements.building_statement(owner, "1", year)
    assert b["units"] == [] and b["totals"]["closing"] == ledger.format_money(100000 + 111101 + 122202)
    assert len(statements.building_statement(staff, "1", year)["units"]) == 3
    assert api.get("/fund/buildings/1/statement.pdf", user=staff).status_code == 200
    e = statements.estate_statement(owner, year)
    assert [b["building"] for b in e["buildings"]] == ["1", "2", "3"] and e["totals"]["closing"] == ledger.format_money(
        sum(int(r["amount"].replace(".", "")) for r in opening_rows()))
    r = api.get("/fund/statement.pdf", user=owner)
    assert r.status_code == 200 and r.data.startswith(b"%PDF")


def test_policy_for_unit_accounts_and_drafts():
    from types import SimpleNamespace

    from community.core import policy
    account = ledger.Account(1, frozenset({"h1"}))
    person = lambda role, h, committee=False: SimpleNamespace(  # noqa: E731
        id=1, role=role, committee=committee, status="approved", id_hash=h)
    assert policy.can(person("owner", "h1"), "fund.unit_read", account)
    assert not policy.can(person("owner", "h2"), "fund.unit_read", account)
    assert not policy.can(person("resident", "h1"), "fund.unit_read", account)
    assert not policy.can(person("owner", None), "fund.unit_read", account)
    assert policy.can(person("owner", "h2", True), "fund.unit_read", account)
    assert policy.can(person("staff", None), "fund.unit_read", account)
    draft, published = SimpleNamespace(status="draft"), SimpleNamespace(status="published")
    assert not policy.can(person("owner", "h1"), "fund.read_application", draft)
    assert policy.can(person("owner", "h1"), "fund.read_application", published)
    assert policy.can(person("owner", "h2", True), "fund.read_application", draft)


def test_a_step_is_taken_once_even_by_a_stale_reader(app, staff, roster):
    """Two settlements pressed at once: the second reads 'accepted' too, but the conditional update refuses it."""
    from community.core.errors import Conflict
    from community.extensions import db
    from community.fund import applications
    from community.fund.models import FundApplication
    found = applications.draft(staff, lift_plan())
    db.session.execute(db.update(FundApplication).where(FundApplication.id == found.id).values(status="accepted"))
    db.session.commit()
    applications._move(found, ("accepted",), "settled")
    db.session.commit()
    stale = FundApplication(id=found.id, status="accepted")  # what the other request read before this commit
    with pytest.raises(Conflict):
        applications._move(stale, ("accepted",), "settled")


def test_owners_of_a_building_are_told_once_when_it_falls_low(api, staff, owners, roster):
    from sqlalchemy import func, select

    from community.extensions import db
    from community.notifications.models import Notification
    api.post("/fund/opening-balances", user=staff, json={"rows": [{"unit": "2-1-101", "amount": "1000.00"},
                                                                  {"unit": "2-1-102", "amount": "1000.00"}]})
    assert run_all()["fund"]["buildings_low"] == 0
    units = [(u.id, u.code, u.area_centi) for u in ledger.bearing_units(building="2")]
    ledger.charge_units(staff, 150000, units, "外墙维修")
    db.session.commit()
    told = lambda: db.session.scalar(select(func.count(Notification.id)).where(  # noqa: E731
        Notification.kind == "fund_low"))
    assert run_all()["fund"]["buildings_low"] == 1
    assert run_all()["fund"]["buildings_low"] == 0  # once
    assert told() == 2  # 张敏 and 刘洋, the owners of building 2
    api.post("/fund/deposits", user=staff, json={"items": [{"unit": "2-1-101", "amount": "500.00"}],
                                                 "memo": "续筹"})
    assert run_all()["fund"]["buildings_topped_up"] == 1


def test_a_vote_scoped_to_the_bearing_building_approves_it(api, staff, admin, committee_member, owners, roster):
    """With the assembly's scope, the committee puts a building's fund use to exactly that building's owners."""
    from community.accounts import services as accounts_services
    confirmer = accounts_services.set_committee(admin, owners[2].id, True)
    pid = api.post("/fund/applications", user=staff, json=lift_plan()).get_json()["id"]  # building 3 only
    api.post(f"/fund/applications/{pid}/publish", user=staff)
    api.post(f"/fund/applications/{pid}/review", user=committee_member, json={"note": "ok"})
    assert api.patch("/votes/procedure", user=committee_member, json={"notice_days": 0}).status_code == 200
    vote_id = api.post("/votes", user=committee_member, json={
        "title": "3号楼电梯使用维修资金", "body": "表决使用方案", "matter": 5, "secret": False,
        "scope": {"buildings": ["3"]}, "closes_at": iso(utcnow() + timedelta(days=7))}).get_json()["id"]
    opened = api.post(f"/votes/{vote_id}/open", user=committee_member).get_json()
    assert opened["persons_total"] == 1  # building 3 is one developer-held unit: one voter
    entered = api.post(f"/votes/{vote_id}/paper-ballots", user=committee_member,
                       json={"unit": "3-1-1001", "choice": "yes", "evidence": "开发商书面表决票"}).get_json()
    assert api.post(f"/votes/{vote_id}/paper-ballots/{entered['id']}/confirm", user=confirmer).status_code == 200
    assert api.post(f"/votes/{vote_id}/close", user=committee_member,
                    json={"reason": "全部业主均已表决"}).status_code == 200
    assert api.get(f"/votes/{vote_id}", user=committee_member).get_json()["result"]["passed"] is True
    r = api.post(f"/fund/applications/{pid}/approve", user=committee_member, json={"vote_id": vote_id})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "approved"
