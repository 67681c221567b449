"""A ballot of several items, each counted alone: the pure election rule against a reference, and a random
estate voted through the services and the database, every item equal to an independent Fraction-based count;
a scope's totals equal to a hand count of its buildings."""

from datetime import timedelta
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from community.core.timeutil import utcnow
from community.estate import services as estate
from community.votes import services, tally
from tests.fixtures import votes as vote_fixtures
from tests.test_votes_tally import ROSTER_PEOPLE, _clear_random_estate, estates, reference_result, reference_voters

no_notice, second_member = vote_fixtures.no_notice, vote_fixtures.second_member  # fixtures, shared
SERVICES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def reference_elect(seats, persons, area, marks, participation=True):
    """Qualified candidates in groups of equal (persons, area), best first; a group that does not fit in the
    seats left stops the filling and says so."""
    if not participation:
        return [], False
    qualified = [m for m in marks if Fraction(m[1], persons) > Fraction(1, 2) and Fraction(m[2], area) > Fraction(1, 2)] \
        if persons and area else []
    groups: dict[tuple[int, int], list[int]] = {}
    for cid, p, a in qualified:
        groups.setdefault((p, a), []).append(cid)
    elected, left = [], seats
    for key in sorted(groups, reverse=True):
        if left == 0:
            break
        if len(groups[key]) > left:
            return sorted(elected), True
        elected += groups[key]
        left -= len(groups[key])
    return sorted(elected), False


@settings(max_examples=300, deadline=None)
@given(seats=st.integers(1, 4), persons=st.integers(1, 8), area=st.integers(1, 50),
       marks=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 50)), min_size=1, max_size=7),
       participation=st.booleans())
def test_elections_fill_seats_as_the_reference(seats, persons, area, marks, participation):
    marks = [(n, min(p, persons), min(a, area)) for n, (p, a) in enumerate(marks)]
    elected, tie = tally.elect(seats, persons, area, [tally.Marks(*m) for m in marks], participation)
    assert (sorted(elected), tie) == reference_elect(seats, persons, area, marks, participation)
    assert len(elected) <= seats


def test_a_tie_at_the_last_seat_leaves_it_open():
    marks = [tally.Marks(1, 5, 500), tally.Marks(2, 4, 400), tally.Marks(3, 4, 400), tally.Marks(4, 1, 100)]
    assert tally.elect(2, 6, 600, marks) == ([1], True)
    assert tally.elect(3, 6, 600, marks) == ([1, 2, 3], False)
    # Equal persons, more area ranks higher: no tie.
    assert tally.elect(1, 6, 600, [tally.Marks(1, 4, 401), tally.Marks(2, 4, 400)]) == ([1], False)
    # Exactly half is not more than half.
    assert tally.elect(1, 6, 600, [tally.Marks(1, 3, 600)]) == ([], False)


@st.composite
def assemblies(draw):
    units, voters, _choices, matter = draw(estates(max_units=9))
    seats = draw(st.integers(1, 2))
    answers = {}
    for i in range(len(voters)):
        if draw(st.integers(0, 3)) == 0:
            continue  # does not take part
        answers[i] = (draw(st.sampled_from(tally.CHOICES)),
                      draw(st.lists(st.integers(0, 2), max_size=seats, unique=True)),
                      draw(st.sampled_from(tally.CHOICES)))
    buildings = [draw(st.sampled_from(["H1", "H2"])) for _u in units]
    return units, voters, answers, matter, seats, buildings


def _import(units, buildings):
    estate.import_units(None, [
        {"code": u["code"], "building": b, "area": tally.format_area(u["area"]), "developer_held": u["developer_held"],
         "owners": [{"name": ROSTER_PEOPLE[p][0], "id_number": ROSTER_PEOPLE[p][1]} for p in u["owners"]]}
        for u, b in zip(units, buildings, strict=True)], via="cli")


@SERVICES
@given(case=assemblies(), pick=st.randoms())
def test_every_item_equals_an_independent_count(committee_member, second_member, no_notice, case, pick):
    units, _v, _a, matter, seats, buildings = case
    scoped = [u for u, b in zip(units, buildings, strict=True) if b == "H1"]
    assume(scoped)
    _clear_random_estate()
    _import(units, buildings)
    voters = reference_voters([{**u, "owners": [ROSTER_PEOPLE[p][1] for p in u["owners"]]} for u in scoped])
    answers = {i: a for i, a in case[2].items() if i < len(voters)}
    vote = services.create(committee_member, {
        "title": "随机业主大会", "body": "测试", "closes_at": utcnow() + timedelta(days=30), "scope": {"buildings": ["H1"]},
        "items": [{"kind": "motion", "title": "一", "body": "b", "matter": matter},
                  {"kind": "election", "title": "二", "body": "b", "seats": seats,
                   "candidates": [{"name": n} for n in ("甲", "乙", "丙")]},
                  {"kind": "motion", "title": "三", "body": "b", "matter": 6}]})
    vote = services.open_vote(committee_member, vote.id)
    # The scope's totals are a hand count of building H1.
    assert (vote.persons_total, vote.area_total_centi) == (len(voters), sum(v["area"] for v in voters))
    items = services.serialize_items(vote)
    candidates = [c["id"] for c in items[1]["candidates"]]
    for i, (first, marked, third) in answers.items():
        entered, _none = services.record_paper(committee_member, vote.id, {
            "unit": pick.choice(voters[i]["units"]), "evidence": "纸质票",
            "choices": {str(items[0]["id"]): first, str(items[1]["id"]): [candidates[m] for m in marked],
                        str(items[2]["id"]): third}})
        services.confirm_paper(second_member, vote.id, entered.id)
    vote = services.close(committee_member, vote.id, "测试")
    got = services.serialize_items(vote)

    for position, item_matter in ((0, matter), (2, 6)):
        expected = reference_result(item_matter, voters, {i: a[position] for i, a in answers.items()})
        result = got[position]["result"]
        assert {k: result[k] for k in ("participation_met", "approval_met", "passed")} == {
            k: expected[k] for k in ("participation_met", "approval_met", "passed")}
        for c in tally.CHOICES:
            assert result[f"{c}_persons"] == expected[f"{c}_persons"]
            assert result[f"{c}_area"] == tally.format_area(expected[f"{c}_area"])

    took_part = list(answers)
    persons, area = len(took_part), sum(voters[i]["area"] for i in took_part)
    participation = reference_result(1, voters, {i: "yes" for i in took_part})["participation_met"]
    marks = [(candidates[m], len([i for i in took_part if m in answers[i][1]]),
              sum(voters[i]["area"] for i in took_part if m in answers[i][1])) for m in range(3)]
    elected, tie = reference_elect(seats, persons, area, marks, participation)
    result = got[1]["result"]
    assert sorted(c["id"] for c in result["candidates"] if c["elected"]) == elected and result["tie"] == tie
    assert [(c["yes_persons"], c["yes_area"]) for c in result["candidates"]] == [
        (p, tally.format_area(a)) for _cid, p, a in marks]
