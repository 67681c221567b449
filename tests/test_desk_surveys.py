"""Surveys: built by staff or the committee, answered once per user or once per unit, results with counts and
averages, who sees them and who closes them."""

import pytest

from community.audit.models import AuditEntry
from community.extensions import db
from tests.conftest import error_of

QUESTIONS = [
    {"kind": "single", "text": "您对保洁服务满意吗？", "options": ["满意", "一般", "不满意"]},
    {"kind": "multiple", "text": "希望增加哪些服务？", "options": ["快递代收", "家政", "维修上门"], "required": False},
    {"kind": "rating", "text": "总体评分"},
    {"kind": "text", "text": "其他建议", "required": False},
]


def create(api, user, per="user", **changes):
    return api.post("/surveys", user=user, json={"title": "2026年物业服务满意度调查", "per": per,
                                                 "questions": QUESTIONS, **changes})


def answers(survey: dict, single=0, multiple=(0,), rating=5, text=None) -> dict:
    ids = [q["id"] for q in survey["questions"]]
    given = {str(ids[0]): single, str(ids[1]): list(multiple), str(ids[2]): rating}
    if text is not None:
        given[str(ids[3])] = text
    return {"answers": given}


@pytest.mark.parametrize("role,status", [("staff", 201), ("admin", 201), ("committee", 201), ("owner", 403),
                                         ("resident", 403), ("vendor", 403)])
def test_who_may_build_a_survey(api, everyone, role, status):
    r = create(api, everyone[role])
    assert r.status_code == status, r.get_json()
    if status == 201:
        body = r.get_json()
        assert body["open"] is True and [q["kind"] for q in body["questions"]] == ["single", "multiple", "rating",
                                                                                  "text"]
        assert body["by_committee"] is (role == "committee")
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "survey.created")) is not None


@pytest.mark.parametrize("changes,field", [
    ({"title": ""}, "title"), ({"per": "building"}, "per"), ({"questions": []}, "questions"),
    ({"questions": "q"}, "questions"), ({"questions": [{"kind": "essay", "text": "x"}]}, "questions[0].kind"),
    ({"questions": [{"kind": "rating", "text": ""}]}, "questions[0].text"),
    ({"questions": [QUESTIONS[0], {"kind": "single", "text": "x", "options": ["a"]}]}, "questions[1].options"),
    ({"questions": [{"kind": "single", "text": "x", "options": ["a", "a"]}]}, "questions[0].options"),
    ({"questions": [{"kind": "multiple", "text": "x", "options": ["a", ""]}]}, "questions[0].options[1]"),
    ({"questions": [{"kind": "rating", "text": "x", "options": ["a", "b"]}]}, "questions[0].options"),
    ({"questions": [{"kind": "text", "text": "x", "required": "no"}]}, "questions[0].required"),
    ({"closes_at": "yesterday"}, "closes_at"), ({"closes_at": "2020-01-01T00:00:00Z"}, "closes_at"),
])
def test_bad_surveys_are_400_with_the_field(api, staff, changes, field):
    r = create(api, staff, **changes)
    assert r.status_code == 400 and error_of(r)["field"] == field, r.get_json()


def test_once_per_user(api, staff, owner, resident, vendor):
    survey = create(api, staff).get_json()
    path = f"/surveys/{survey['id']}/responses"
    r = api.post(path, user=owner, json=answers(survey, text="希望增加充电桩"))
    assert r.status_code == 201, r.get_json()
    again = api.post(path, user=owner, json=answers(survey, single=2))
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"
    assert api.post(path, user=resident, json=answers(survey, single=1)).status_code == 201
    assert api.post(path, user=vendor, json=answers(survey)).status_code == 403
    assert api.post(path, user=staff, json=answers(survey)).status_code == 403
    seen = api.get(f"/surveys/{survey['id']}", user=owner).get_json()
    assert seen["answered"] is True and seen["can_answer"] is False and seen["responses"] == 2


def test_once_per_unit(api, staff, owner, resident, make_user):
    """The owner holds 1-1-101 and 1-1-102; the tenant and a family member share 2-1-102."""
    family = make_user(real_name="赵妻", unit="2-1-102", relation="family", display_name="赵家")
    survey = create(api, staff, per="unit").get_json()
    path = f"/surveys/{survey['id']}/responses"
    assert api.post(path, user=resident, json=answers(survey)).status_code == 201
    r = api.post(path, user=family, json=answers(survey))
    assert r.status_code == 409 and error_of(r)["code"] == "conflict", "the unit has answered"
    assert api.get(f"/surveys/{survey['id']}", user=family).get_json()["answered"] is True

    r = api.post(path, user=owner, json=answers(survey))
    assert r.status_code == 400 and error_of(r)["field"] == "unit", "two units: say which"
    r = api.post(path, user=owner, json={**answers(survey), "unit": "2-1-102"})
    assert r.status_code == 400 and error_of(r)["field"] == "unit", "not the owner's unit"
    assert api.get(f"/surveys/{survey['id']}", user=owner).get_json()["units_left"] == ["1-1-101", "1-1-102"]
    assert api.post(path, user=owner, json={**answers(survey), "unit": "1-1-102"}).status_code == 201
    assert api.get(f"/surveys/{survey['id']}", user=owner).get_json()["units_left"] == ["1-1-101"]
    assert api.post(path, user=owner, json={**answers(survey), "unit": "1-1-102"}).status_code == 409
    assert api.post(path, user=owner, json={**answers(survey), "unit": "1-1-101"}).status_code == 201
    seen = api.get(f"/surveys/{survey['id']}", user=owner).get_json()
    assert seen["answered"] is True and seen["can_answer"] is False and seen["responses"] == 3


@pytest.mark.parametrize("given,field", [
    ({}, "answers.{0}"), ("yes", "answers"), ({"{0}": 3}, "answers.{0}"), ({"{0}": "0"}, "answers.{0}"),
    ({"{0}": 0, "{1}": 1}, "answers.{1}"), ({"{0}": 0, "{1}": [0, 5]}, "answers.{1}"),
    ({"{0}": 0, "{1}": [0], "{2}": 0}, "answers.{2}"), ({"{0}": 0, "{1}": [0], "{2}": 6}, "answers.{2}"),
    ({"{0}": 0, "{1}": [0], "{2}": 3, "{3}": "好" * 2001}, "answers.{3}"),
    ({"{0}": 0, "{1}": [0], "{2}": 3, "999": 1}, "answers.999"),
])
def test_bad_answers_are_400_with_the_field(api, staff, owner, given, field):
    survey = create(api, staff).get_json()
    ids = [q["id"] for q in survey["questions"]]
    if isinstance(given, dict):
        given = {k.format(*ids): v for k, v in given.items()}
    r = api.post(f"/surveys/{survey['id']}/responses", user=owner, json={"answers": given})
    assert r.status_code == 400 and error_of(r)["field"] == field.format(*ids), r.get_json()
    assert api.get(f"/surveys/{survey['id']}", user=owner).get_json()["answered"] is False


def test_results_count_and_average(api, staff, owner, resident, committee_member, make_user):
    survey = create(api, staff).get_json()
    path = f"/surveys/{survey['id']}/responses"
    family = make_user(real_name="赵妻", unit="2-1-102", relation="family", display_name="赵家")
    api.post(path, user=owner, json=answers(survey, single=0, multiple=(0, 2), rating=5, text="加装充电桩"))
    api.post(path, user=resident, json=answers(survey, single=0, multiple=(2,), rating=4))
    api.post(path, user=committee_member, json=answers(survey, single=1, multiple=(), rating=2))
    api.post(path, user=family, json=answers(survey, single=2, multiple=(0, 1, 2), rating=4, text="门禁常坏"))

    r = api.get(f"/surveys/{survey['id']}/results", user=committee_member)
    assert r.status_code == 200
    res = r.get_json()
    assert res["respondents"] == 4
    single, multiple, rating, text = res["questions"]
    assert [(o["label"], o["count"], o["percent"]) for o in single["options"]] == [
        ("满意", 2, 50.0), ("一般", 1, 25.0), ("不满意", 1, 25.0)]
    assert multiple["answered"] == 3, "an empty choice is no answer"
    assert [(o["count"], o["percent"]) for o in multiple["options"]] == [(2, 66.7), (1, 33.3), (3, 100.0)]
    assert rating["average"] == 3.75
    assert [d["count"] for d in rating["distribution"]] == [0, 1, 0, 2, 1]
    assert text["texts"] == ["加装充电桩", "门禁常坏"] and text["answered"] == 2
    assert "王伟" not in str(res) and "一栋老王" not in str(res), "results never say who answered what"


def test_who_sees_results_and_closes(api, staff, owner, committee_member, vendor):
    ran_by_staff = create(api, staff).get_json()["id"]
    ran_by_committee = create(api, committee_member).get_json()["id"]
    assert api.get(f"/surveys/{ran_by_staff}/results", user=staff).status_code == 200
    assert api.get(f"/surveys/{ran_by_staff}/results", user=owner).status_code == 403, "not while it runs"
    assert api.get(f"/surveys/{ran_by_staff}", user=owner).get_json()["can_see_results"] is False

    for who in (owner, vendor, committee_member):
        assert api.post(f"/surveys/{ran_by_staff}/close", user=who).status_code == 403
    r = api.post(f"/surveys/{ran_by_committee}/close", user=committee_member)
    assert r.status_code == 200 and r.get_json()["open"] is False
    assert api.post(f"/surveys/{ran_by_committee}/close", user=committee_member).status_code == 409
    assert api.post(f"/surveys/{ran_by_staff}/close", user=staff).status_code == 200
    audited = list(db.session.scalars(db.select(AuditEntry.target).where(AuditEntry.action == "survey.closed")))
    assert audited == [f"survey:{ran_by_committee}", f"survey:{ran_by_staff}"]

    assert api.get(f"/surveys/{ran_by_staff}/results", user=owner).status_code == 200, "published once closed"
    assert api.get(f"/surveys/{ran_by_staff}/results", user=vendor).status_code == 403
    r = api.post(f"/surveys/{ran_by_staff}/responses", user=owner,
                 json={"answers": {}})
    assert r.status_code == 409, "closed"
    assert api.get("/surveys/999", user=owner).status_code == 404


def test_a_deadline_closes_a_survey(api, staff, owner):
    from datetime import datetime

    from community.core.timeutil import frozen
    with frozen(datetime(2026, 5, 1)):
        survey = create(api, staff, closes_at="2026-05-08T16:00:00Z").get_json()
        assert survey["closes_at"] == "2026-05-08T16:00:00.000Z" and survey["open"] is True
    with frozen(datetime(2026, 5, 8, 16, 0, 1)):
        r = api.post(f"/surveys/{survey['id']}/responses", user=owner, json=answers(survey))
        assert r.status_code == 409
        listed = api.get("/surveys", user=owner).get_json()["items"]
        assert listed[0]["open"] is False and listed[0]["can_answer"] is False
