"""Owners' votes through the API: drafting, opening, ballots online and on paper, closing, the published
result, sales mid-vote and owners in several voters; who may do what; errors."""

import csv
import hashlib
import io
from datetime import timedelta

import pytest

from community.accounts import services as accounts
from community.audit.models import AuditEntry
from community.core.timeutil import frozen, iso, utcnow
from community.extensions import db
from community.votes import tally
from tests.conftest import error_of
from tests.fixtures.people import ROSTER, id_number
from tests.fixtures.votes import no_notice  # noqa: F401

# These tests run single-motion votes as they always ran: a draft opens at once (no notice period).
pytestmark = pytest.mark.usefixtures("no_notice")

# The fixture roster as voters: 王伟 (1-1-101 + 1-1-102), 李娜, 张敏, 刘洋, and the developer's 3-1-1001.
PERSONS_TOTAL = 5
AREA_TOTAL = "620.90"
ROLES = ["owner", "committee", "resident", "vendor", "staff", "admin"]


def later(**delta) -> str:
    return iso(utcnow() + (timedelta(**delta) if delta else timedelta(days=7)))


def draft(api, member, **fields) -> int:
    body = {"title": "更换物业服务企业", "body": "是否解聘现物业公司，另选新公司？", "matter": 4, "secret": False,
            "closes_at": later()} | fields
    r = api.post("/votes", user=member, json=body)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["status"] == "draft"
    return r.get_json()["id"]


def opened(api, member, **fields) -> int:
    vote_id = draft(api, member, **fields)
    r = api.post(f"/votes/{vote_id}/open", user=member)
    assert r.status_code == 200, r.get_json()
    return vote_id


def ballot(api, user, vote_id, choice="yes", **extra):
    return api.post(f"/votes/{vote_id}/ballots", user=user, json={"choice": choice, **extra})


def paper(api, member, vote_id, unit, choice="yes", evidence="纸质表决票第 17 号，业主签字", confirm=None):
    """Enter a paper ballot; with ``confirm`` (a second member) also confirm it, answering the confirmation."""
    r = api.post(f"/votes/{vote_id}/paper-ballots", user=member,
                 json={"unit": unit, "choice": choice, "evidence": evidence})
    if confirm is None or r.status_code != 201:
        return r
    assert r.get_json()["status"] == "pending"
    return api.post(f"/votes/{vote_id}/paper-ballots/{r.get_json()['id']}/confirm", user=confirm)


def close(api, member, vote_id, reason="业主大会决定提前结束"):
    return api.post(f"/votes/{vote_id}/close", user=member, json={"reason": reason})


def detail(api, user, vote_id) -> dict:
    r = api.get(f"/votes/{vote_id}", user=user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def import_units(api, staff, *units):
    r = api.post("/units", user=staff, json={"units": list(units)})
    assert r.status_code == 200, r.get_json()


def unit(code, area, *owners, **extra):
    return {"code": code, "area": area, "owners": [{"name": name, "id_number": id_number(n)} for name, n in owners],
            **extra}


@pytest.fixture
def second_member(owners, admin):
    """张敏 on the committee too: the second member who confirms paper ballots."""
    return accounts.set_committee(admin, owners["张敏"].id, True)


@pytest.fixture
def owners(make_user, owner, committee_member):
    """王伟 and 李娜 from the fixtures, plus 张敏 and 刘洋 registered and approved as owners."""
    return {
        "王伟": owner, "李娜": committee_member,
        "张敏": make_user(real_name="张敏", id_number=id_number(3), unit="2-1-101", relation="owner",
                        display_name="张老师"),
        "刘洋": make_user(real_name="刘洋", id_number=id_number(4), unit="2-1-102", relation="owner",
                        display_name="二栋小刘"),
    }


# ---- drafting and opening -------------------------------------------------------------------------

def test_draft_edit_open(api, committee_member, owner):
    vote_id = draft(api, committee_member, matter=6)
    assert api.get(f"/votes/{vote_id}", user=owner).status_code == 404  # drafts are the committee's
    assert vote_id not in [v["id"] for v in api.get("/votes", user=owner).get_json()["items"]]
    r = api.patch(f"/votes/{vote_id}", user=committee_member, json={"title": "使用维修资金更换电梯", "matter": 5})
    assert r.status_code == 200 and r.get_json()["matter"] == 5 and r.get_json()["title"] == "使用维修资金更换电梯"

    r = api.post(f"/votes/{vote_id}/open", user=committee_member)
    assert r.status_code == 200
    frozen_ = r.get_json()
    assert frozen_["persons_total"] == PERSONS_TOTAL and frozen_["area_total"] == AREA_TOTAL
    holdings = [tally.Holding(u["code"], int(u["area"].replace(".", "")),
                              frozenset(o["id_number"] for o in u["owners"]), u.get("developer_held", False))
                for u in ROSTER]
    assert frozen_["electorate_hash"] == tally.electorate_hash(tally.group_voters(holdings))

    seen = detail(api, owner, vote_id)
    assert {k: seen[k] for k in ("status", "matter", "persons_total", "area_total", "persons_participating",
                                 "area_participating", "result")} == {
        "status": "open", "matter": 5, "persons_total": PERSONS_TOTAL, "area_total": AREA_TOTAL,
        "persons_participating": 0, "area_participating": "0.00", "result": None}
    assert seen["my_voters"] == [{"voter_id": seen["my_voters"][0]["voter_id"], "units": ["1-1-101", "1-1-102"],
                                  "area": "209.85", "kind": "owners", "voted": False, "channel": None,
                                  "voted_at": None, "proxy": False}]
    assert api.patch(f"/votes/{vote_id}", user=committee_member, json={"title": "改"}).status_code == 409
    assert api.post(f"/votes/{vote_id}/open", user=committee_member).status_code == 409


def test_electorate_listing_recomputes_the_hash_and_names_nobody(api, committee_member, owner):
    vote_id = opened(api, committee_member)
    listing = api.get(f"/votes/{vote_id}/electorate", user=owner).get_json()
    text = "\n".join([listing["header"], *(item["line"] for item in listing["items"])])
    assert hashlib.sha256(text.encode()).hexdigest() == listing["electorate_hash"]
    assert listing["electorate_hash"] == detail(api, owner, vote_id)["electorate_hash"]
    assert [item["line"] for item in listing["items"]] == [
        "D|3-1-1001=140.80", "O|1-1-101=89.50;1-1-102=120.35", "O|1-1-201=75.00", "O|2-1-101=100.00",
        "O|2-1-102=95.25"]
    assert "王" not in str(listing) and "voted" not in listing["items"][0]
    assert "voted" in api.get(f"/votes/{vote_id}/electorate", user=committee_member).get_json()["items"][0]


@pytest.mark.parametrize("fields,field", [
    ({"title": ""}, "title"), ({"title": "x" * 121}, "title"), ({"body": None}, "body"),
    ({"matter": 0}, "matter"), ({"matter": 10}, "matter"), ({"matter": "6"}, "matter"), ({"matter": True}, "matter"),
    ({"secret": "yes"}, "secret"), ({"closes_at": "tomorrow"}, "closes_at"),
    ({"closes_at": "2020-01-01T00:00:00Z"}, "closes_at"), ({"closes_at": None}, "closes_at"),
])
def test_bad_drafts_are_400_with_the_field(api, committee_member, fields, field):
    body = {"title": "标题", "body": "正文", "matter": 1, "secret": False, "closes_at": later()} | fields
    r = api.post("/votes", user=committee_member, json=body)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_bad_bodies_are_400(api, committee_member, owner):
    vote_id = opened(api, committee_member)
    assert error_of(api.post("/votes", user=committee_member, json=[1]))["field"] == "body"
    r = ballot(api, owner, vote_id, "maybe")
    assert r.status_code == 400 and error_of(r)["field"] == "choice"
    r = ballot(api, owner, vote_id, "yes", unit=12)
    assert r.status_code == 400 and error_of(r)["field"] == "unit"
    for body, field in [({"unit": "9-9-999", "choice": "yes", "evidence": "x"}, "unit"),
                        ({"unit": "1-1-101", "choice": "si", "evidence": "x"}, "choice"),
                        ({"unit": "1-1-101", "choice": "yes", "evidence": " "}, "evidence"),
                        ({"unit": "1-1-101", "choice": "yes", "evidence": "x" * 501}, "evidence")]:
        r = api.post(f"/votes/{vote_id}/paper-ballots", user=committee_member, json=body)
        assert r.status_code == 400 and error_of(r)["field"] == field, body
    assert api.post(f"/votes/{vote_id}/paper-ballots/1/review", user=committee_member,
                    json={"note": ""}).status_code == 404


def test_a_closing_time_and_the_electorate_are_checked_when_opening(api, committee_member):
    vote_id = draft(api, committee_member, closes_at=later(minutes=5))
    with frozen(utcnow() + timedelta(minutes=10)):
        r = api.post(f"/votes/{vote_id}/open", user=committee_member)
    assert r.status_code == 400 and error_of(r)["field"] == "closes_at"


# ---- ballots --------------------------------------------------------------------------------------

def test_an_owner_votes_once_and_sees_turnout_but_no_choices(api, committee_member, owner, resident):
    vote_id = opened(api, committee_member)
    r = ballot(api, owner, vote_id, "yes")
    assert r.status_code == 201
    body = r.get_json()
    assert body["units"] == ["1-1-101", "1-1-102"] and body["area"] == "209.85"
    assert len(body["receipt"]) == 23 and body["receipt"].count("-") == 3

    second = ballot(api, owner, vote_id, "no")
    assert second.status_code == 409 and error_of(second)["code"] == "conflict"
    seen = detail(api, resident, vote_id)
    assert (seen["persons_participating"], seen["area_participating"]) == (1, "209.85")
    assert seen["result"] is None and "yes_persons" not in str(seen)
    mine = detail(api, owner, vote_id)["my_voters"][0]
    assert mine["voted"] is True and mine["channel"] == "online"


@pytest.mark.parametrize("role", ["resident", "vendor", "staff", "admin"])
def test_non_owners_may_not_vote(api, everyone, committee_member, role):
    vote_id = opened(api, committee_member)
    r = ballot(api, everyone[role], vote_id)
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert detail(api, committee_member, vote_id)["persons_participating"] == 0


def test_an_owner_off_the_roster_may_not_vote(api, committee_member, make_user, staff):
    vote_id = opened(api, committee_member)
    stranger = make_user(approve=False, real_name="孙丽", id_number=id_number(7), unit="2-1-101", relation="owner",
                         display_name="孙丽")  # claims 张敏's unit, approved as unverified: not on its roster
    accounts.approve(staff, stranger.id, reason="产权证明待核实", as_="unverified")
    r = ballot(api, stranger, vote_id)
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert detail(api, stranger, vote_id)["my_voters"] == []


def test_ballots_only_while_open(api, committee_member, owner):
    vote_id = draft(api, committee_member)
    assert ballot(api, owner, vote_id).status_code == 404  # an owner does not see drafts
    assert ballot(api, committee_member, vote_id).status_code == 409
    assert paper(api, committee_member, vote_id, "1-1-101").status_code == 409
    api.post(f"/votes/{vote_id}/open", user=committee_member)
    assert close(api, committee_member, vote_id).status_code == 200
    assert ballot(api, owner, vote_id).status_code == 409
    assert paper(api, committee_member, vote_id, "1-1-101").status_code == 409
    assert close(api, committee_member, vote_id).status_code == 409


def test_receipts_verify_for_their_holder(api, committee_member, owner, resident):
    vote_id = opened(api, committee_member, secret=True)
    receipt = ballot(api, owner, vote_id, "abstain").get_json()["receipt"]
    r = api.get(f"/votes/{vote_id}/receipts/{receipt}", user=owner)
    assert r.status_code == 200 and r.get_json() == {"counted": True, "choice": "abstain"}
    # Anyone holding the code may check it, typed loosely; nobody without it learns anything.
    loose = receipt.lower().replace("-", "")
    assert api.get(f"/votes/{vote_id}/receipts/{loose}", user=resident).get_json()["choice"] == "abstain"
    forged = receipt[:-1] + ("0" if receipt[-1] != "0" else "1")
    assert api.get(f"/votes/{vote_id}/receipts/{forged}", user=owner).status_code == 404
    assert api.get(f"/votes/{vote_id}/receipts/nonsense", user=owner).status_code == 404
    other = opened(api, committee_member)
    assert api.get(f"/votes/{other}/receipts/{receipt}", user=owner).status_code == 404


def test_co_owners_share_one_ballot(api, staff, committee_member, owners):
    import_units(api, staff, unit("4-1-101", "88.00", ("张敏", 3), ("刘洋", 4)))
    vote_id = opened(api, committee_member)
    assert detail(api, owners["张敏"], vote_id)["persons_total"] == PERSONS_TOTAL + 1
    assert ballot(api, owners["张敏"], vote_id, "yes", unit="4-1-101").status_code == 201
    r = ballot(api, owners["刘洋"], vote_id, "no", unit="4-1-101")
    assert r.status_code == 409
    assert ballot(api, owners["刘洋"], vote_id, "no", unit="2-1-102").status_code == 201


def test_an_owner_in_several_voters_names_the_unit(api, staff, committee_member, owners):
    """王伟 owns 1-1-101 and 1-1-102 alone (one voter) and 4-1-101 with 张敏 (another voter)."""
    import_units(api, staff, unit("4-1-101", "88.00", ("王伟", 1), ("张敏", 3)))
    vote_id = opened(api, committee_member)
    wang = owners["王伟"]
    assert [v["units"] for v in detail(api, wang, vote_id)["my_voters"]] == [["1-1-101", "1-1-102"], ["4-1-101"]]
    r = ballot(api, wang, vote_id, "yes")
    assert r.status_code == 400 and error_of(r)["field"] == "unit"
    assert ballot(api, wang, vote_id, "yes", unit="2-1-101").status_code == 403  # not his
    r = ballot(api, wang, vote_id, "yes", unit="4-1-101")
    assert r.status_code == 201 and r.get_json()["area"] == "88.00"
    assert ballot(api, wang, vote_id, "no", unit="1-1-102").get_json()["units"] == ["1-1-101", "1-1-102"]
    assert ballot(api, wang, vote_id, "no", unit="1-1-101").status_code == 409
    assert ballot(api, owners["张敏"], vote_id, "no", unit="4-1-101").status_code == 409
    assert ballot(api, owners["张敏"], vote_id, "no", unit="2-1-101").status_code == 201
    seen = detail(api, committee_member, vote_id)
    assert (seen["persons_participating"], seen["area_participating"]) == (3, "397.85")


def test_a_unit_sold_mid_vote(api, staff, committee_member, owners, make_user):
    vote_id = opened(api, committee_member)
    before = detail(api, committee_member, vote_id)
    assert ballot(api, owners["李娜"], vote_id, "yes").status_code == 201
    # 刘洋 sells 2-1-102 to 孙丽; 李娜 sells 1-1-201 (whose ballot she has cast) to 周强; a new unit is built;
    # the developer sells 3-1-1001 to 吴军.
    import_units(api, staff, unit("2-1-102", "95.25", ("孙丽", 7)), unit("1-1-201", "75.00", ("周强", 8)),
                 unit("5-1-101", "150.00", ("孙丽", 7)), unit("3-1-1001", "140.80", ("吴军", 9)))
    after = detail(api, committee_member, vote_id)
    for key in ("persons_total", "area_total", "electorate_hash"):
        assert after[key] == before[key]
    assert ballot(api, owners["刘洋"], vote_id).status_code == 403  # no longer an owner
    buyer = make_user(real_name="孙丽", id_number=id_number(7), unit="2-1-102", relation="owner", display_name="孙丽")
    assert [v["units"] for v in detail(api, buyer, vote_id)["my_voters"]] == [["2-1-102"]]  # 5-1-101 is too new
    r = ballot(api, buyer, vote_id, "no")
    assert r.status_code == 201 and r.get_json()["area"] == "95.25"
    second_buyer = make_user(real_name="周强", id_number=id_number(8), unit="1-1-201", relation="owner",
                             display_name="周强")
    assert ballot(api, second_buyer, vote_id, "no").status_code == 409  # the seller's ballot stands
    developer_buyer = make_user(real_name="吴军", id_number=id_number(9), unit="3-1-1001", relation="owner",
                                display_name="吴军")
    assert ballot(api, developer_buyer, vote_id).status_code == 403  # not the developer's whole ballot
    closed = close(api, committee_member, vote_id).get_json()
    assert closed["result"]["yes_area"] == "75.00" and closed["result"]["no_area"] == "95.25"
    assert closed["persons_participating"] == 2


# ---- paper ballots --------------------------------------------------------------------------------

def test_paper_ballots_and_conflicts(api, committee_member, owner, second_member):
    vote_id = opened(api, committee_member)
    r = paper(api, committee_member, vote_id, "2-1-101", "no", confirm=second_member)
    assert r.status_code == 200 and r.get_json()["status"] == "counted" and r.get_json()["receipt"]
    assert ballot(api, owner, vote_id, "yes").status_code == 201
    r = paper(api, committee_member, vote_id, "1-1-102", "no", evidence="王伟 也交了纸质票", confirm=second_member)
    assert r.status_code == 200 and r.get_json()["status"] == "conflict" and r.get_json()["receipt"] is None
    conflict_id = r.get_json()["id"]
    r = paper(api, committee_member, vote_id, "2-1-101", "yes", evidence="第二张纸质票", confirm=second_member)
    assert r.get_json()["status"] == "conflict"

    seen = detail(api, committee_member, vote_id)
    assert (seen["persons_participating"], seen["area_participating"]) == (2, "309.85")  # not counted twice
    assert [c["unit"] for c in seen["conflicts"]] == ["1-1-102", "2-1-101"]
    assert "conflicts" not in detail(api, owner, vote_id)
    assert ballot(api, owner, vote_id, "no").status_code == 409

    r = api.post(f"/votes/{vote_id}/paper-ballots/{conflict_id}/review", user=committee_member,
                 json={"note": "已与业主核实，以线上投票为准"})
    assert r.status_code == 200 and r.get_json()["reviewed"] is True
    assert api.post(f"/votes/{vote_id}/paper-ballots/{conflict_id}/review", user=committee_member,
                    json={"note": "again"}).status_code == 409
    listed = api.get(f"/votes/{vote_id}/paper-ballots", user=committee_member).get_json()["items"]
    assert [(p["unit"], p["status"]) for p in listed] == [("2-1-101", "counted"), ("1-1-102", "conflict"),
                                                          ("2-1-101", "conflict")]
    result = close(api, committee_member, vote_id).get_json()["result"]
    assert (result["yes_persons"], result["no_persons"], result["yes_area"], result["no_area"]) == (
        1, 1, "209.85", "100.00")


# ---- closing and the result -----------------------------------------------------------------------

def test_close_publishes_result_and_csv(api, committee_member, owners, resident, second_member):
    vote_id = opened(api, committee_member, matter=1)
    for name, choice in [("王伟", "yes"), ("李娜", "yes"), ("张敏", "no"), ("刘洋", "yes")]:
        assert ballot(api, owners[name], vote_id, choice).status_code == 201
    assert paper(api, committee_member, vote_id, "3-1-1001", "abstain", confirm=second_member).status_code == 200
    assert api.get(f"/votes/{vote_id}/result.csv", user=resident).status_code == 409
    assert api.get(f"/votes/{vote_id}/ballots", user=resident).status_code == 409
    r = close(api, committee_member, vote_id)
    assert r.status_code == 200
    seen = detail(api, resident, vote_id)
    assert seen["status"] == "closed" and seen["closed_by"] == "committee"
    assert seen["result"] == {
        "yes_persons": 3, "yes_area": "380.10", "no_persons": 1, "no_area": "100.00", "abstain_persons": 1,
        "abstain_area": "140.80", "participation_met": True, "approval_met": True, "passed": True}
    assert (seen["persons_participating"], seen["area_participating"]) == (5, AREA_TOTAL)
    response = api.get(f"/votes/{vote_id}/result.csv", user=resident)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    table = {row[0]: row[1:] for row in rows if row}
    assert table["electorate"][:2] == ["5", "620.90"] and table["yes"][:2] == ["3", "380.10"]
    assert table["passed"][2] == "true" and table["1-1-101"] == ["89.50", "yes", "online"]
    published = api.get(f"/votes/{vote_id}/ballots", user=resident).get_json()["items"]
    assert [(b["unit"], b["area"], b["choice"]) for b in published] == [
        ("1-1-101", "89.50", "yes"), ("1-1-102", "120.35", "yes"), ("1-1-201", "75.00", "yes"),
        ("2-1-101", "100.00", "no"), ("2-1-102", "95.25", "yes"), ("3-1-1001", "140.80", "abstain")]
    assert "王" not in str(published) and "李" not in response.get_data(as_text=True)


def test_two_of_four_owners_is_not_more_than_half(api, committee_member, owners):
    vote_id = opened(api, committee_member, matter=1)
    for name, choice in [("王伟", "yes"), ("李娜", "yes"), ("张敏", "no"), ("刘洋", "no")]:
        ballot(api, owners[name], vote_id, choice)
    result = close(api, committee_member, vote_id).get_json()["result"]
    assert result["yes_area"] == "284.85" and result["yes_persons"] == 2  # more than half the area, half the owners
    assert result["participation_met"] is True and result["approval_met"] is False and result["passed"] is False


def test_secret_results_are_published_without_ballots(api, committee_member, owner, resident):
    vote_id = opened(api, committee_member, secret=True)
    ballot(api, owner, vote_id, "yes")
    close(api, committee_member, vote_id)
    assert api.get(f"/votes/{vote_id}/ballots", user=resident).status_code == 403
    text = api.get(f"/votes/{vote_id}/result.csv", user=resident).get_data(as_text=True)
    assert "1-1-101" not in text and "yes,1,209.85," in text


def test_exactly_two_thirds_and_three_quarters_pass_matter_6(api, staff, committee_member, owners, second_member):
    """With 5-1-101 (126.70 m²): 6 owners, 747.60 m². Four take part (exactly 2/3 of owners, 506.80 m²), three
    of them with 380.10 m² say yes: exactly 3/4 of the participating owners and area."""
    import_units(api, staff, unit("5-1-101", "126.70", ("孙丽", 7)))
    vote_id = opened(api, committee_member, matter=6)
    for code, choice in [("1-1-101", "yes"), ("1-1-201", "yes"), ("2-1-102", "yes"), ("5-1-101", "no")]:
        assert paper(api, committee_member, vote_id, code, choice, confirm=second_member).status_code == 200
    seen = close(api, committee_member, vote_id).get_json()
    assert (seen["persons_total"], seen["area_total"]) == (6, "747.60")
    assert (seen["persons_participating"], seen["area_participating"]) == (4, "506.80")
    assert seen["result"]["yes_area"] == "380.10"
    assert seen["result"]["participation_met"] and seen["result"]["approval_met"] and seen["result"]["passed"]


def test_below_two_thirds_of_owners_does_not_pass(api, staff, committee_member, second_member):
    import_units(api, staff, unit("5-1-101", "126.70", ("孙丽", 7)))
    vote_id = opened(api, committee_member, matter=1)
    for code in ("1-1-101", "3-1-1001", "5-1-101"):  # 3 of 6 owners, 477.35 of 747.60 m² (under 2/3)
        paper(api, committee_member, vote_id, code, "yes", confirm=second_member)
    result = close(api, committee_member, vote_id).get_json()["result"]
    assert result["participation_met"] is False and result["approval_met"] is True and result["passed"] is False


def test_the_deadline_closes_the_vote_when_next_read(app, api, committee_member, owner):
    vote_id = opened(api, committee_member, closes_at=later(hours=2))
    assert ballot(api, owner, vote_id, "yes").status_code == 201
    with frozen(utcnow() + timedelta(hours=3)):
        assert ballot(api, owner, vote_id, "yes", unit="1-1-101").status_code == 409
        seen = detail(api, owner, vote_id)
    assert seen["status"] == "closed" and seen["closed_by"] == "deadline"
    assert seen["result"]["yes_persons"] == 1 and seen["result"]["passed"] is False
    closing = db.session.query(AuditEntry).filter_by(action="vote.closed", target=f"vote:{vote_id}").one()
    assert closing.actor_id is None and closing.detail["by"] == "deadline"


def test_the_list_closes_votes_past_their_deadline(api, committee_member, owner):
    vote_id = opened(api, committee_member, closes_at=later(hours=1))
    with frozen(utcnow() + timedelta(hours=2)):
        items = api.get("/votes", user=owner).get_json()["items"]
    assert [(v["id"], v["status"]) for v in items] == [(vote_id, "closed")]


def test_every_step_is_audited_without_choices(api, committee_member, owner, second_member):
    vote_id = draft(api, committee_member)
    api.patch(f"/votes/{vote_id}", user=committee_member, json={"matter": 9})
    api.post(f"/votes/{vote_id}/open", user=committee_member)
    ballot(api, owner, vote_id, "yes")
    paper(api, committee_member, vote_id, "2-1-101", "no", confirm=second_member)
    paper(api, committee_member, vote_id, "1-1-101", "abstain", confirm=second_member)
    close(api, committee_member, vote_id)
    entries = db.session.query(AuditEntry).filter_by(target=f"vote:{vote_id}").order_by(AuditEntry.seq).all()
    assert [e.action for e in entries] == ["vote.created", "vote.edited", "vote.opened", "vote.paper_entered",
                                           "vote.paper_ballot", "vote.paper_entered", "vote.paper_conflict",
                                           "vote.closed"]
    assert entries[1].detail == {"fields": ["matter"], "matter": 9}
    for entry in entries[:-1]:
        assert not {"yes", "no", "abstain"} & set(map(str, entry.detail.values())), entry.detail
    assert api.get("/audit/verify", user=committee_member).get_json()["ok"] is True


# ---- who may do what ------------------------------------------------------------------------------

COMMITTEE_ONLY = [
    ("POST", "/votes", "new"), ("PATCH", "/votes/{id}", "draft"), ("POST", "/votes/{id}/open", "draft"),
    ("POST", "/votes/{id}/close", "open"), ("POST", "/votes/{id}/paper-ballots", "open"),
    ("GET", "/votes/{id}/paper-ballots", "open"),
]


@pytest.mark.parametrize("method,path,state", COMMITTEE_ONLY)
@pytest.mark.parametrize("role", ["owner", "resident", "vendor", "staff", "admin"])
def test_committee_only_endpoints_refuse_others(api, everyone, method, path, state, role):
    member = everyone["committee"]
    vote_id = draft(api, member) if state == "draft" else opened(api, member)
    body = {"title": "x", "body": "y", "matter": 1, "secret": False, "closes_at": later(),
            "unit": "1-1-101", "choice": "yes", "evidence": "票"}
    r = api.call(method, path.format(id=vote_id), user=everyone[role], json=body)
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden", (role, method, path, r.get_json())


def test_committee_reviews_refuse_others(api, everyone, second_member):
    member = everyone["committee"]
    vote_id = opened(api, member)
    everyone_else = [everyone[r] for r in ("owner", "resident", "staff", "admin")]
    ballot(api, everyone["owner"], vote_id)
    paper_id = paper(api, member, vote_id, "1-1-101", confirm=second_member).get_json()["id"]
    for user in everyone_else:
        r = api.post(f"/votes/{vote_id}/paper-ballots/{paper_id}/review", user=user, json={"note": "x"})
        assert r.status_code == 403


VOTE_ROUTES = [
    ("GET", "/votes/{id}"), ("PATCH", "/votes/{id}"), ("POST", "/votes/{id}/open"), ("POST", "/votes/{id}/close"),
    ("GET", "/votes/{id}/electorate"), ("POST", "/votes/{id}/ballots"), ("GET", "/votes/{id}/ballots"),
    ("GET", "/votes/{id}/receipts/ABCDE-FGHJK-MNPQR-STVWX"), ("GET", "/votes/{id}/paper-ballots"),
    ("POST", "/votes/{id}/paper-ballots"), ("POST", "/votes/{id}/paper-ballots/1/review"),
    ("GET", "/votes/{id}/result.csv"),
]


@pytest.mark.parametrize("method,path", VOTE_ROUTES + [("GET", "/votes"), ("POST", "/votes")])
def test_anonymous_gets_401(api, method, path):
    r = api.call(method, path.format(id=1), json={})
    assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated"


@pytest.mark.parametrize("method,path", VOTE_ROUTES)
def test_unknown_votes_are_404(api, committee_member, method, path):
    body = {"choice": "yes", "unit": "1-1-101", "evidence": "票", "note": "x", "title": "t"}
    r = api.call(method, path.format(id=999), user=committee_member, json=body)
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
def test_everyone_approved_reads_open_votes(api, everyone, role):
    vote_id = opened(api, everyone["committee"])
    assert api.get(f"/votes/{vote_id}", user=everyone[role]).status_code == 200
    assert [v["id"] for v in api.get("/votes", user=everyone[role]).get_json()["items"]] == [vote_id]
