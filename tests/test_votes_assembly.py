"""The owners' assembly through the API: rules of procedure, a ballot of several items, scope, the notice
period, closing early, objections and the final result, proxies, paper ballots entered by two, sales."""

from datetime import timedelta

import pytest

from community.audit.models import AuditEntry
from community.core.timeutil import frozen, utcnow
from community.extensions import db
from community.votes import services
from tests import test_votes
from tests.conftest import error_of
from tests.fixtures.people import id_number
from tests.test_votes import ballot, detail, import_units, later, unit

owners = test_votes.owners
second_member = test_votes.second_member

ITEMS = [
    {"kind": "motion", "title": "修订议事规则", "body": "公告期 15 日，异议期 7 日。", "matter": 1},
    {"kind": "election", "title": "选举业委会委员", "body": "应选 2 名。", "seats": 2,
     "candidates": [{"name": "李娜", "statement": "连任"}, {"name": "王伟", "statement": "财务"},
                    {"name": "陈静", "statement": "教师"}]},
    {"kind": "motion", "title": "筹集维修资金", "body": "每平方米 20 元。", "matter": 6},
]


def assembly(api, member, **fields) -> int:
    body = {"title": "2027 年第一次业主大会", "body": "三项议题", "secret": False, "closes_at": later(days=30),
            "items": ITEMS} | fields
    r = api.post("/votes", user=member, json=body)
    assert r.status_code == 201 and r.get_json()["status"] == "draft", r.get_json()
    return r.get_json()["id"]


def announced(api, member, **fields) -> int:
    vote_id = assembly(api, member, **fields)
    r = api.post(f"/votes/{vote_id}/announce", user=member)
    assert r.status_code == 200, r.get_json()
    return vote_id


def opened_after_notice(api, member, **fields) -> tuple[int, object]:
    """Announce now; answer the vote and a moment after its notice period, for ``frozen``."""
    vote_id = announced(api, member, **fields)
    return vote_id, utcnow() + timedelta(days=15, minutes=1)


def choices_for(seen: dict, motion="yes", marked=(0,), third="yes") -> dict:
    first, election, last = seen["items"]
    ids = [c["id"] for c in election["candidates"]]
    return {str(first["id"]): motion, str(election["id"]): [ids[i] for i in marked], str(last["id"]): third}


# ---- rules of procedure ---------------------------------------------------------------------------

def test_the_procedure_has_defaults_is_kept_by_the_committee_and_audited(api, committee_member, owner):
    assert api.get("/votes/procedure", user=owner).get_json() == {
        "notice_days": 15, "objection_days": 7, "proxy_max": 3, "paper_precedence": "first"}
    assert api.patch("/votes/procedure", user=owner, json={"notice_days": 1}).status_code == 403
    for body, field in (({"notice_days": 61}, "notice_days"), ({"objection_days": -1}, "objection_days"),
                        ({"proxy_max": 0}, "proxy_max"), ({"paper_precedence": "last"}, "paper_precedence"),
                        ({"proxy_max": True}, "proxy_max")):
        r = api.patch("/votes/procedure", user=committee_member, json=body)
        assert r.status_code == 400 and error_of(r)["field"] == field
    vote_id = assembly(api, committee_member)
    r = api.patch("/votes/procedure", user=committee_member, json={"notice_days": 20, "proxy_max": 2})
    assert r.status_code == 200 and r.get_json()["notice_days"] == 20
    entry = db.session.query(AuditEntry).filter_by(action="vote.procedure_changed").one()
    assert entry.detail == {"before": {"notice_days": 15, "proxy_max": 3}, "after": {"notice_days": 20, "proxy_max": 2}}
    # A vote keeps the procedure it was created under.
    assert detail(api, committee_member, vote_id)["procedure"]["notice_days"] == 15
    assert detail(api, committee_member, assembly(api, committee_member))["procedure"]["proxy_max"] == 2


# ---- items ----------------------------------------------------------------------------------------

def test_items_are_shown_with_their_candidates(api, committee_member, owner):
    vote_id = announced(api, committee_member)
    seen = detail(api, owner, vote_id)
    assert [(i["kind"], i["matter"], i["seats"]) for i in seen["items"]] == [
        ("motion", 1, None), ("election", 3, 2), ("motion", 6, None)]
    assert [c["name"] for c in seen["items"][1]["candidates"]] == ["李娜", "王伟", "陈静"]
    assert all(i["result"] is None for i in seen["items"]) and seen["status"] == "announced"


@pytest.mark.parametrize("items,field", [
    ([], "items"), ("x", "items"), ([{"kind": "poll", "title": "t", "body": "b"}], "items.0.kind"),
    ([{"kind": "motion", "title": "t", "body": "b", "matter": 10}], "items.0.matter"),
    ([{"kind": "election", "title": "t", "body": "b", "seats": 0, "candidates": [{"name": "甲"}]}], "items.0.seats"),
    ([{"kind": "election", "title": "t", "body": "b", "seats": 1, "candidates": []}], "items.0.candidates"),
    ([{"kind": "election", "title": "t", "body": "b", "seats": 1, "candidates": [{"name": ""}]}],
     "items.0.candidates.0.name"),
])
def test_bad_items_are_400_with_the_field(api, committee_member, items, field):
    r = api.post("/votes", user=committee_member, json={"title": "t", "body": "b", "closes_at": later(days=30),
                                                        "items": items})
    assert r.status_code == 400 and error_of(r)["field"] == field, r.get_json()


# ---- the lifecycle --------------------------------------------------------------------------------

def test_notice_period_then_ballots_close_objections_final(api, committee_member, owners, resident):
    vote_id = assembly(api, committee_member)
    assert api.post(f"/votes/{vote_id}/open", user=committee_member).status_code == 409  # not announced
    r = api.post(f"/votes/{vote_id}/announce", user=committee_member)
    assert r.status_code == 200 and (r.get_json()["persons_total"], r.get_json()["area_total"]) == (5, "620.90")
    opens = r.get_json()["opens_at"]
    assert api.post(f"/votes/{vote_id}/announce", user=committee_member).status_code == 409
    r = api.post(f"/votes/{vote_id}/open", user=committee_member)
    assert r.status_code == 409 and error_of(r)["code"] == "conflict"
    assert api.get(f"/votes/{vote_id}/electorate", user=resident).status_code == 200  # published for checking
    with frozen(utcnow() + timedelta(days=15, minutes=1)):
        assert detail(api, owners["王伟"], vote_id)["opens_at"] == opens
        assert api.post(f"/votes/{vote_id}/open", user=committee_member).status_code == 200
        seen = detail(api, owners["王伟"], vote_id)
        assert seen["status"] == "open"
        r = ballot(api, owners["王伟"], vote_id, choice="yes")
        assert r.status_code == 400 and error_of(r)["field"] == "choices"
        partial = choices_for(seen)
        missing = partial.pop(str(seen["items"][2]["id"]))
        r = api.post(f"/votes/{vote_id}/ballots", user=owners["王伟"], json={"choices": partial})
        assert r.status_code == 400 and error_of(r)["field"] == f"choices.{seen['items'][2]['id']}"
        partial[str(seen["items"][2]["id"])] = missing
        too_many = choices_for(seen, marked=(0, 1, 2))
        r = api.post(f"/votes/{vote_id}/ballots", user=owners["王伟"], json={"choices": too_many})
        assert r.status_code == 400 and error_of(r)["field"] == f"choices.{seen['items'][1]['id']}"
        for name, kw in (("王伟", {}), ("李娜", {"marked": (0, 1)}), ("张敏", {"motion": "no", "marked": (0,)}),
                         ("刘洋", {"marked": (1,), "third": "abstain"})):
            r = api.post(f"/votes/{vote_id}/ballots", user=owners[name], json={"choices": choices_for(seen, **kw)})
            assert r.status_code == 201, (name, r.get_json())
        assert api.post(f"/votes/{vote_id}/ballots", user=owners["王伟"],
                        json={"choices": choices_for(seen)}).status_code == 409
        r = api.post(f"/votes/{vote_id}/close", user=committee_member)
        assert r.status_code == 400 and error_of(r)["field"] == "reason"
        r = api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "全部业主已投票"})
        assert r.status_code == 200
    closed = detail(api, resident, vote_id)
    assert closed["status"] == "closed" and closed["preliminary"] and closed["close_reason"] == "全部业主已投票"
    first, election, last = closed["items"]
    # 王伟 209.85, 李娜 75.00, 张敏 100.00, 刘洋 95.25: 4 of 5 voters, 480.10 of 620.90 m² take part.
    assert (first["result"]["yes_persons"], first["result"]["yes_area"]) == (3, "380.10")
    assert first["result"]["passed"] is True
    assert (last["result"]["yes_persons"], last["result"]["abstain_area"]) == (3, "95.25")
    assert last["result"]["passed"] is True  # matter 6: 3 of 4 persons and 384.85 of 480.10 m², over 3/4
    marks = {c["name"]: (c["yes_persons"], c["yes_area"], c["elected"]) for c in election["result"]["candidates"]}
    assert marks == {"李娜": (3, "384.85", True), "王伟": (2, "170.25", False), "陈静": (0, "0.00", False)}
    assert election["result"]["tie"] is False


def test_objections_and_finalising(api, committee_member, owners, resident, make_user):
    vote_id, after = opened_after_notice(api, committee_member)
    with frozen(after):
        api.post(f"/votes/{vote_id}/open", user=committee_member)
        api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "测试"})
        closed = utcnow()
        assert api.post(f"/votes/{vote_id}/objections", user=resident, json={"text": "x"}).status_code == 403
        r = api.post(f"/votes/{vote_id}/objections", user=owners["张敏"], json={"text": "2-1-101 的面积登记有误"})
        assert r.status_code == 201
        objection = r.get_json()["id"]
        assert api.post(f"/votes/{vote_id}/finalize", user=committee_member).status_code == 409  # window runs
    with frozen(closed + timedelta(days=7, minutes=1)):
        r = api.post(f"/votes/{vote_id}/objections", user=owners["王伟"], json={"text": "太晚了"})
        assert r.status_code == 409
        r = api.post(f"/votes/{vote_id}/finalize", user=committee_member)
        assert r.status_code == 409 and error_of(r)["code"] == "conflict"  # unanswered
        assert api.post(f"/votes/{vote_id}/objections/{objection}/answer", user=owners["王伟"],
                        json={"answer": "x"}).status_code == 403
        r = api.post(f"/votes/{vote_id}/objections/{objection}/answer", user=committee_member,
                     json={"answer": "已核对不动产登记簿，面积无误。"})
        assert r.status_code == 200 and r.get_json()["answer"].startswith("已核对")
        assert api.post(f"/votes/{vote_id}/objections/{objection}/answer", user=committee_member,
                        json={"answer": "again"}).status_code == 409
        listed = api.get(f"/votes/{vote_id}/objections", user=resident).get_json()["items"]
        assert [o["text"] for o in listed] == ["2-1-101 的面积登记有误"] and "author_id" not in listed[0]
        r = api.post(f"/votes/{vote_id}/finalize", user=committee_member)
        assert r.status_code == 200 and r.get_json()["status"] == "final"
        assert api.post(f"/votes/{vote_id}/finalize", user=committee_member).status_code == 409
        assert detail(api, resident, vote_id)["items"][0]["result"] is not None


def test_no_notice_opens_a_draft_at_once(api, committee_member, owner):
    api.patch("/votes/procedure", user=committee_member, json={"notice_days": 0})
    vote_id = assembly(api, committee_member)
    r = api.post(f"/votes/{vote_id}/open", user=committee_member)
    assert r.status_code == 200 and r.get_json()["status"] == "open"


def test_announcing_notifies_owners_in_scope(api, committee_member, owners):
    announced(api, committee_member, scope={"buildings": ["2"]})
    for name, count in (("张敏", 1), ("刘洋", 1), ("王伟", 0)):
        items = api.get("/notifications", user=owners[name]).get_json()["items"]
        assert len([n for n in items if n["kind"].startswith("vote_")]) == count, name


# ---- scope ----------------------------------------------------------------------------------------

def test_a_vote_of_one_building(api, committee_member, owners):
    r = api.post("/votes", user=committee_member, json={"title": "1号楼电梯", "body": "更换", "matter": 5,
                                                        "closes_at": later(days=30), "scope": {"buildings": ["9"]}})
    assert r.status_code == 400 and error_of(r)["field"] == "scope"
    vote_id, after = opened_after_notice(api, committee_member, scope={"buildings": ["1"]})
    seen = detail(api, owners["王伟"], vote_id)
    # 王伟 (1-1-101 89.50 + 1-1-102 120.35) and 李娜 (1-1-201 75.00).
    assert seen["scope"] == {"buildings": ["1"]} and (seen["persons_total"], seen["area_total"]) == (2, "284.85")
    with frozen(after):
        api.post(f"/votes/{vote_id}/open", user=committee_member)
        assert api.post(f"/votes/{vote_id}/ballots", user=owners["张敏"],
                        json={"choices": choices_for(seen)}).status_code == 403


def test_another_domain_scopes_a_vote_to_units(api, committee_member, owners):
    from community.estate.models import Unit
    ids = [u.id for u in db.session.query(Unit).filter(Unit.code.in_(["2-1-101", "3-1-1001"]))]
    services.update_procedure(committee_member, {"notice_days": 0})
    vote = services.create_vote(committee_member, {"title": "维修资金：2号楼外墙", "body": "分摊单元", "matter": 5,
                                                   "closes_at": later(days=30)}, scope_units=ids)
    services.open_vote(committee_member, vote.id)
    seen = detail(api, committee_member, vote.id)
    assert seen["scope"] == {"units": ["2-1-101", "3-1-1001"]}
    assert (seen["persons_total"], seen["area_total"]) == (2, "240.80")


# ---- proxies --------------------------------------------------------------------------------------

def _open_single(api, member, **fields) -> int:
    api.patch("/votes/procedure", user=member, json={"notice_days": 0, **fields})
    vote_id = test_votes.draft(api, member)
    assert api.post(f"/votes/{vote_id}/open", user=member).status_code == 200
    return vote_id


def test_proxies_cap_revocation_and_override(api, committee_member, owners, resident):
    vote_id = _open_single(api, committee_member, proxy_max=1)
    wang, zhang, liu = owners["王伟"], owners["张敏"], owners["刘洋"]
    r = api.post(f"/votes/{vote_id}/proxies", user=zhang, json={"unit": "1-1-101", "proxy_user_id": resident.id,
                                                                 "evidence": "授权书"})
    assert r.status_code == 403  # not 张敏's unit
    r = api.post(f"/votes/{vote_id}/proxies", user=zhang, json={"unit": "2-1-101", "proxy_user_id": resident.id,
                                                                 "evidence": "书面委托书（扫描件）"})
    assert r.status_code == 201
    first = r.get_json()["id"]
    r = api.post(f"/votes/{vote_id}/proxies", user=liu, json={"unit": "2-1-102", "proxy_user_id": resident.id,
                                                               "evidence": "委托书"})
    assert r.status_code == 409  # the holder carries one voter at most
    # The committee records a written proxy handed in on paper, to another holder.
    r = api.post(f"/votes/{vote_id}/proxies", user=committee_member,
                 json={"unit": "2-1-102", "proxy_user_id": wang.id, "evidence": "纸质委托书第 3 号"})
    assert r.status_code == 201
    liu_proxy = r.get_json()["id"]
    # The principal revokes, then votes in person over an unused proxy.
    assert api.delete(f"/votes/{vote_id}/proxies/{first}", user=zhang).status_code == 200
    assert api.delete(f"/votes/{vote_id}/proxies/{first}", user=zhang).status_code == 409
    assert ballot(api, resident, vote_id, unit="2-1-101").status_code == 403
    assert ballot(api, liu, vote_id, "no").status_code == 201
    r = ballot(api, wang, vote_id, "yes", unit="2-1-102")
    assert r.status_code == 409  # overridden by 刘洋's own ballot
    assert api.delete(f"/votes/{vote_id}/proxies/{liu_proxy}", user=liu).status_code == 409  # cast already
    r = api.post(f"/votes/{vote_id}/proxies", user=zhang, json={"unit": "2-1-101", "proxy_user_id": resident.id,
                                                                 "evidence": "新的委托书"})
    assert r.status_code == 201
    r = ballot(api, resident, vote_id, "yes", unit="2-1-101")
    assert r.status_code == 201 and r.get_json()["by_proxy"] is True and r.get_json()["area"] == "100.00"
    assert ballot(api, zhang, vote_id, "no").status_code == 409  # the proxy's ballot stands
    mine = api.get(f"/votes/{vote_id}/proxies", user=zhang).get_json()["items"]
    assert [(p["unit"], p["revoked"], p["used"]) for p in mine] == [("2-1-101", True, False),
                                                                   ("2-1-101", False, True)]
    seen = api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "测试"}).get_json()
    assert seen["ballots_by_proxy"] == 1 and seen["result"]["yes_area"] == "100.00"


# ---- paper ballots by two -------------------------------------------------------------------------

def test_a_paper_ballot_counts_only_after_a_second_member_confirms(api, committee_member, owners, second_member):
    vote_id = _open_single(api, committee_member)
    serial = services.serial_for(services.get(committee_member, vote_id), "1-1-101")
    body = {"unit": "1-1-101", "choice": "no", "evidence": "纸质票，业主签字", "serial": "1-AAAAAAAA"}
    r = api.post(f"/votes/{vote_id}/paper-ballots", user=committee_member, json=body)
    assert r.status_code == 400 and error_of(r)["field"] == "serial"
    r = api.post(f"/votes/{vote_id}/paper-ballots", user=committee_member, json=body | {"serial": serial})
    assert r.status_code == 201 and r.get_json()["status"] == "pending"
    paper_id = r.get_json()["id"]
    assert api.post(f"/votes/{vote_id}/paper-ballots", user=second_member,
                    json=body | {"serial": serial}).status_code == 409  # one paper, entered once
    seen = detail(api, committee_member, vote_id)
    assert seen["persons_participating"] == 0 and [p["id"] for p in seen["pending_papers"]] == [paper_id]
    # Pending: the owner is not locked out, and the member who entered it cannot confirm it.
    r = api.post(f"/votes/{vote_id}/paper-ballots/{paper_id}/confirm", user=committee_member)
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert ballot(api, owners["王伟"], vote_id, "yes").status_code == 201
    r = api.post(f"/votes/{vote_id}/paper-ballots/{paper_id}/confirm", user=second_member)
    assert r.status_code == 200 and r.get_json()["status"] == "conflict"
    r = api.post(f"/votes/{vote_id}/paper-ballots", user=second_member,
                 json={"unit": "1-1-201", "choice": "no", "evidence": "纸质票"})
    r = api.post(f"/votes/{vote_id}/paper-ballots/{r.get_json()['id']}/confirm", user=committee_member,
                 json={})
    assert r.status_code == 200 and r.get_json()["status"] == "counted"
    assert detail(api, committee_member, vote_id)["persons_participating"] == 2
    assert api.post(f"/votes/{vote_id}/paper-ballots/{paper_id}/confirm",
                    user=second_member).status_code == 409


def test_online_precedence_replaces_a_counted_paper_ballot(api, committee_member, owners, second_member):
    vote_id = _open_single(api, committee_member, paper_precedence="online")
    r = api.post(f"/votes/{vote_id}/paper-ballots", user=committee_member,
                 json={"unit": "1-1-101", "choice": "no", "evidence": "纸质票"})
    api.post(f"/votes/{vote_id}/paper-ballots/{r.get_json()['id']}/confirm", user=second_member)
    assert ballot(api, owners["王伟"], vote_id, "yes").status_code == 201
    assert ballot(api, owners["王伟"], vote_id, "yes").status_code == 409
    result = api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "测试"}).get_json()
    assert (result["persons_participating"], result["result"]["yes_area"], result["result"]["no_area"]) == (
        1, "209.85", "0.00")


# ---- sales during a vote --------------------------------------------------------------------------

def test_a_buyer_of_one_of_two_units_casts_nothing_and_the_seller_keeps_the_ballot(
        api, staff, committee_member, owners, make_user):
    vote_id = _open_single(api, committee_member)
    import_units(api, staff, unit("1-1-102", "120.35", ("孙丽", 7)))  # 王伟 sells one of his two units
    buyer = make_user(real_name="孙丽", id_number=id_number(7), unit="1-1-102", relation="owner",
                      display_name="孙丽")
    assert detail(api, buyer, vote_id)["my_voters"] == []
    r = ballot(api, buyer, vote_id, "no", unit="1-1-102")
    assert r.status_code == 403
    r = ballot(api, owners["王伟"], vote_id, "yes")
    assert r.status_code == 201 and r.get_json()["area"] == "209.85"  # the owner of record at the freeze
    r = api.post(f"/votes/{vote_id}/proxies", user=buyer, json={"unit": "1-1-102", "proxy_user_id": buyer.id,
                                                                 "evidence": "x"})
    assert r.status_code == 403


def test_a_short_turnout_extends_the_deadline_once(api, committee_member, owners):
    vote_id = _open_single(api, committee_member)
    closes = test_votes.detail(api, committee_member, vote_id)["closes_at"]
    assert ballot(api, owners["王伟"], vote_id).status_code == 201
    r = api.post(f"/votes/{vote_id}/extend", user=committee_member, json={"closes_at": later(days=1)})
    assert r.status_code == 400 and error_of(r)["field"] == "closes_at"  # not later than the deadline
    assert api.post(f"/votes/{vote_id}/extend", user=owners["王伟"], json={"closes_at": later(days=20)}).status_code == 403
    r = api.post(f"/votes/{vote_id}/extend", user=committee_member, json={"closes_at": later(days=20)})
    assert r.status_code == 200 and r.get_json()["closes_at"] > closes and r.get_json()["extended_at"]
    assert api.post(f"/votes/{vote_id}/extend", user=committee_member,
                    json={"closes_at": later(days=30)}).status_code == 409
    def told(name):
        return len([n for n in api.get("/notifications", user=owners[name]).get_json()["items"] if n["kind"].startswith("vote_")])
    assert (told("张敏"), told("王伟")) == (2, 1)  # both when it opened; only 张敏, who has not voted, now
