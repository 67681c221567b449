"""Owners' petitions for an extraordinary assembly (条例 art. 13) through the API: counted against the frozen
roster one signature per voter, reached at a fifth of the owners with the committee told, withdrawn while
open, answered by the committee (a draft vote, or in writing) and audited; the threshold in integers."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from community.assembly import petitions
from community.audit.models import AuditEntry
from community.extensions import db
from community.notifications.models import Notification
from community.votes.models import Vote
from tests import test_votes
from tests.conftest import error_of
from tests.test_votes import import_units, later, unit

owners = test_votes.owners
second_member = test_votes.second_member

# Five more single-owner units: with the fixture roster's five voters, ten voters; a fifth is two.
MORE = [unit(f"4-1-{n}01", "80.00", (f"业主{n}", 700 + n), building="4") for n in range(1, 6)]


def started(api, user, title="提议召开临时业主大会", body="审议更换物业服务企业。") -> dict:
    r = api.post("/petitions", user=user, json={"title": title, "body": body})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


@given(signed=st.integers(min_value=0, max_value=10**6), total=st.integers(min_value=0, max_value=10**6))
def test_the_threshold_is_a_fifth_in_integers(signed, total):
    expected = total > 0 and Fraction(signed, total) >= Fraction(1, 5)
    assert petitions.threshold_met(signed, total) == expected
    if total:
        least = petitions.needed(total)
        assert petitions.threshold_met(least, total) and not petitions.threshold_met(least - 1, total)


def test_start_freezes_the_roster_as_a_votes_electorate(api, owners, resident, staff):
    p = started(api, owners["王伟"])
    assert (p["status"], p["persons_total"], p["area_total"], p["persons_signed"], p["persons_needed"]) == (
        "open", test_votes.PERSONS_TOTAL, test_votes.AREA_TOTAL, 0, 1)
    assert p["my_units"] == [{"units": ["1-1-101", "1-1-102"], "signed": False}] and p["can_sign"]
    for who in (resident, staff):
        assert api.post("/petitions", user=who, json={"title": "t", "body": "b"}).status_code == 403
    r = api.post("/petitions", user=owners["王伟"], json={"title": " ", "body": "b"})
    assert r.status_code == 400 and error_of(r)["field"] == "title"
    assert api.post("/petitions", user=owners["王伟"], json=["x"]).status_code == 400
    assert db.session.query(AuditEntry).filter_by(action="petition.started").one().detail["persons_total"] == 5
    assert [i["id"] for i in api.get("/petitions", user=resident).get_json()["items"]] == [p["id"]]
    assert api.get("/petitions/999", user=resident).status_code == 404


def test_signatures_count_once_per_voter_reach_a_fifth_and_tell_the_committee(
        api, staff, owners, committee_member, second_member, resident):
    import_units(api, staff, *MORE)
    p = started(api, owners["刘洋"])
    assert (p["persons_total"], p["persons_needed"]) == (10, 2)
    pid = p["id"]
    r = api.post(f"/petitions/{pid}/sign", user=owners["王伟"])
    assert r.status_code == 201, r.get_json()
    seen = r.get_json()
    assert seen["signed_units"] == ["1-1-101", "1-1-102"]  # his two units are one voter: one signature
    assert (seen["persons_signed"], seen["area_signed"], seen["status"]) == (1, "209.85", "open")
    assert api.post(f"/petitions/{pid}/sign", user=owners["王伟"]).status_code == 409
    assert api.post(f"/petitions/{pid}/sign", user=resident).status_code == 403
    assert api.post(f"/petitions/{pid}/sign", user=owners["王伟"], json={"unit": "2-1-101"}).status_code == 403

    r = api.delete(f"/petitions/{pid}/sign", user=owners["王伟"])
    assert r.status_code == 200 and r.get_json()["persons_signed"] == 0
    assert api.delete(f"/petitions/{pid}/sign", user=owners["王伟"]).status_code == 404
    assert api.post(f"/petitions/{pid}/sign", user=owners["王伟"]).get_json()["persons_signed"] == 1
    assert db.session.query(Notification).filter_by(kind="petition").count() == 0

    r = api.post(f"/petitions/{pid}/sign", user=owners["张敏"])
    assert r.get_json()["status"] == "reached" and r.get_json()["persons_signed"] == 2
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="petition")}
    assert told == {committee_member.id, second_member.id}
    assert db.session.query(AuditEntry).filter_by(action="petition.reached").one().detail["persons"] == 2
    # Reached: no more signing or withdrawing, the count stands.
    assert api.post(f"/petitions/{pid}/sign", user=owners["刘洋"]).status_code == 409
    assert api.delete(f"/petitions/{pid}/sign", user=owners["王伟"]).status_code == 409


def test_a_buyer_of_part_of_a_voters_units_signs_nothing_for_it(api, staff, owners, make_user):
    p = started(api, owners["张敏"])
    from tests.fixtures.people import id_number
    import_units(api, staff, unit("1-1-102", "120.35", ("赵买家", 900), building="1"))
    buyer = make_user(real_name="赵买家", id_number=id_number(900), unit="1-1-102", relation="owner")
    assert api.post(f"/petitions/{p['id']}/sign", user=buyer).status_code == 403
    # The seller, owner of record of both units when the petition started, still signs for the voter.
    assert api.post(f"/petitions/{p['id']}/sign", user=owners["王伟"]).status_code == 201


def test_the_committee_responds_once_it_is_reached_convening_or_answering(
        api, owners, committee_member, second_member):
    pid = started(api, owners["王伟"])["id"]
    body = {"action": "answer", "response": "已收到"}
    assert api.post(f"/petitions/{pid}/respond", user=owners["王伟"], json=body).status_code == 403
    assert api.post(f"/petitions/{pid}/respond", user=committee_member, json=body).status_code == 409  # not reached
    api.post(f"/petitions/{pid}/sign", user=owners["王伟"])  # one of five voters: a fifth
    r = api.post(f"/petitions/{pid}/respond", user=committee_member, json={"action": "answer"})
    assert r.status_code == 400 and error_of(r)["field"] == "response"
    r = api.post(f"/petitions/{pid}/respond", user=committee_member, json={"action": "convene"})
    assert r.status_code == 400 and error_of(r)["field"] == "vote"
    r = api.post(f"/petitions/{pid}/respond", user=committee_member, json={"action": "convene", "vote": {
        "matter": 4, "secret": False, "closes_at": "yesterday"}})
    assert r.status_code == 400 and error_of(r)["field"] == "closes_at"
    assert db.session.query(Vote).count() == 0  # nothing half-written
    r = api.post(f"/petitions/{pid}/respond", user=committee_member, json={
        "action": "convene", "response": "定于下月召开", "vote": {"matter": 4, "secret": False,
                                                                 "closes_at": later(days=40)}})
    assert r.status_code == 200, r.get_json()
    seen = r.get_json()
    assert seen["status"] == "convened" and seen["vote_id"]
    vote = db.session.get(Vote, seen["vote_id"])
    assert (vote.status, vote.title, vote.matter) == ("draft", "提议召开临时业主大会", 4)
    entry = db.session.query(AuditEntry).filter_by(action="petition.responded").one()
    assert entry.detail == {"action": "convene", "response": "定于下月召开", "vote": vote.id}
    assert api.post(f"/petitions/{pid}/respond", user=second_member, json=body).status_code == 409


def test_an_answer_in_writing(api, owners, committee_member):
    pid = started(api, owners["王伟"])["id"]
    api.post(f"/petitions/{pid}/sign", user=owners["李娜"])
    r = api.post(f"/petitions/{pid}/respond", user=committee_member,
                 json={"action": "answer", "response": "所提事项已在上次大会表决。"})
    assert r.get_json()["status"] == "answered" and r.get_json()["response"] == "所提事项已在上次大会表决。"
    assert api.get(f"/petitions/{pid}", user=owners["张敏"]).get_json()["response"] == "所提事项已在上次大会表决。"
