"""The count against a reference written here with fractions.Fraction: on random estates (owners with several
units, co-owned units, the developer's units, units nobody is on the roster for) and random ballots, through the
pure tally and through the services and the database; and the thresholds at their exact boundaries."""

from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from community.core.timeutil import utcnow
from community.estate import services as estate
from community.extensions import db
from community.votes import services, tally
from community.votes.tally import Counts, Holding
from tests.fixtures import votes as vote_fixtures
from tests.fixtures.people import ROSTER, id_number

no_notice, second_member = vote_fixtures.no_notice, vote_fixtures.second_member  # fixtures, shared

FAST = settings(max_examples=100, deadline=None)

# ---- the reference ---------------------------------------------------------------------------------


def reference_voters(units: list[dict]) -> list[dict]:
    """One voter per distinct set of owners; the developer's units together; an ownerless unit alone."""
    voters: dict[object, dict] = {}
    for u in units:
        if u["developer_held"]:
            key = "the developer"
        elif u["owners"]:
            key = tuple(sorted(set(u["owners"])))
        else:
            key = ("nobody", u["code"])
        voter = voters.setdefault(key, {"units": [], "area": 0})
        voter["units"].append(u["code"])
        voter["area"] += u["area"]
    return list(voters.values())


def reference_result(matter: int, voters: list[dict], choices: dict[int, str]) -> dict:
    persons_total, area_total = len(voters), sum(v["area"] for v in voters)
    took_part = [i for i in choices]
    persons = len(took_part)
    area = sum(voters[i]["area"] for i in took_part)
    yes = [i for i, c in choices.items() if c == "yes"]
    yes_persons, yes_area = len(yes), sum(voters[i]["area"] for i in yes)
    participation = (Fraction(area, area_total) >= Fraction(2, 3) if area_total else True) and \
        (Fraction(persons, persons_total) >= Fraction(2, 3) if persons_total else True)
    if persons == 0:
        approval = False
    elif matter in (6, 7, 8):
        approval = Fraction(yes_area, area) >= Fraction(3, 4) if area else True
        approval = approval and Fraction(yes_persons, persons) >= Fraction(3, 4)
    else:
        approval = (Fraction(yes_area, area) > Fraction(1, 2) if area else False) and \
            Fraction(yes_persons, persons) > Fraction(1, 2)
    by_choice = {c: [i for i, x in choices.items() if x == c] for c in ("yes", "no", "abstain")}
    return {
        "persons_total": persons_total, "area_total": area_total,
        **{f"{c}_persons": len(ids) for c, ids in by_choice.items()},
        **{f"{c}_area": sum(voters[i]["area"] for i in ids) for c, ids in by_choice.items()},
        "participation_met": participation, "approval_met": approval, "passed": participation and approval,
    }


# ---- random estates --------------------------------------------------------------------------------

PEOPLE = [f"p{i}" for i in range(6)]


@st.composite
def estates(draw, max_units=14):
    """Units with areas from 0.01 m² up, owned by 0-3 of a few people, some held by the developer; then a choice
    (or none) for each voter."""
    n = draw(st.integers(1, max_units))
    units = []
    for i in range(n):
        owners = draw(st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True))
        units.append({"code": f"H-{i + 1}", "area": draw(st.integers(1, 200_000)), "owners": owners,
                      "developer_held": draw(st.booleans()) if draw(st.integers(0, 4)) == 0 else False})
    voters = reference_voters(units)
    choices = draw(st.lists(st.sampled_from([None, "yes", "no", "abstain"]), min_size=len(voters),
                            max_size=len(voters)))
    matter = draw(st.integers(1, 9))
    return units, voters, {i: c for i, c in enumerate(choices) if c}, matter


def holdings(units) -> list[Holding]:
    return [Holding(u["code"], u["area"], frozenset(u["owners"]), u["developer_held"]) for u in units]


@FAST
@given(estates())
def test_tally_matches_the_fraction_reference(estate_):
    units, voters, choices, matter = estate_
    grouped = tally.group_voters(holdings(units))
    assert sorted(sorted(c for c, _a in v.units) for v in grouped) == sorted(sorted(v["units"]) for v in voters)
    by_unit = {code: v for v in grouped for code, _a in v.units}
    ballots = [(choice, by_unit[voters[i]["units"][0]].area_centi) for i, choice in choices.items()]
    counts = tally.count(ballots)
    result = tally.decide(matter, len(grouped), sum(v.area_centi for v in grouped), counts)
    expected = reference_result(matter, voters, choices)
    got = {"persons_total": len(grouped), "area_total": sum(v.area_centi for v in grouped),
           **{f"{c}_{m}": getattr(counts, f"{c}_{m}") for c in ("yes", "no", "abstain") for m in ("persons", "area")},
           "participation_met": result.participation_met, "approval_met": result.approval_met,
           "passed": result.passed}
    assert got == expected


@FAST
@given(estates(), st.randoms())
def test_grouping_and_hash_do_not_depend_on_roster_order(estate_, rnd):
    units = estate_[0]
    shuffled = list(units)
    rnd.shuffle(shuffled)
    first, second = tally.group_voters(holdings(units)), tally.group_voters(holdings(shuffled))
    assert first == second and tally.electorate_hash(first) == tally.electorate_hash(second)


# ---- the same through the services and the database ------------------------------------------------

FIXTURE_UNITS = [{"code": u["code"], "area": int(u["area"].replace(".", "")),
                  "owners": [o["id_number"] for o in u["owners"]], "developer_held": u.get("developer_held", False)}
                 for u in ROSTER]
# Random units may be owned by people of the fixture roster (王伟, 李娜), so owners span old and new units.
ROSTER_PEOPLE = {"p0": ("王伟", id_number(1)), "p1": ("李娜", id_number(2)), **{
    f"p{i}": (f"业主{i}", id_number(100 + i)) for i in range(2, 6)}}


def _clear_random_estate() -> None:
    for table in ("vote_receipts", "vote_paper_ballots", "vote_proxies", "vote_objections", "vote_item_counts",
                  "vote_candidates", "vote_items", "vote_voter_units", "vote_voters", "vote_counts", "votes"):
        db.session.execute(text(f"DELETE FROM {table}"))
    for table in ("owners", "user_units"):
        db.session.execute(text(f"DELETE FROM {table} WHERE unit_id IN (SELECT id FROM units WHERE code LIKE 'H-%')"))
    db.session.execute(text("DELETE FROM units WHERE code LIKE 'H-%'"))
    db.session.commit()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(estate_=estates(max_units=10), pick=st.randoms())
def test_services_count_as_the_reference(committee_member, second_member, no_notice, estate_, pick):
    units, _voters, _choices, matter = estate_
    _clear_random_estate()
    estate.import_units(None, [
        {"code": u["code"], "building": "H", "area": tally.format_area(u["area"]),
         "developer_held": u["developer_held"],
         "owners": [{"name": ROSTER_PEOPLE[p][0], "id_number": ROSTER_PEOPLE[p][1]} for p in u["owners"]]}
        for u in units], via="cli")
    everything = FIXTURE_UNITS + [{**u, "owners": [ROSTER_PEOPLE[p][1] for p in u["owners"]]} for u in units]
    voters = reference_voters(everything)
    choices = {i: pick.choice(["yes", "no", "abstain"]) for i in range(len(voters)) if pick.random() < 0.75}

    vote = services.create(committee_member, {"title": "随机小区表决", "body": "测试", "matter": matter,
                                              "closes_at": utcnow() + timedelta(days=30)})
    vote = services.open_vote(committee_member, vote.id)
    for i, choice in choices.items():  # a paper ballot names any one of the voter's units
        entered, _none = services.record_paper(committee_member, vote.id, {
            "unit": pick.choice(voters[i]["units"]), "choice": choice, "evidence": "纸质票"})
        services.confirm_paper(second_member, vote.id, entered.id)
    vote = services.close(committee_member, vote.id, "测试")

    expected = reference_result(matter, voters, choices)
    got = {"persons_total": vote.persons_total, "area_total": vote.area_total_centi,
           **{f"{c}_persons": getattr(vote, f"{c}_persons") for c in ("yes", "no", "abstain")},
           **{f"{c}_area": getattr(vote, f"{c}_area_centi") for c in ("yes", "no", "abstain")},
           "participation_met": vote.participation_met, "approval_met": vote.approval_met, "passed": vote.passed}
    assert got == expected


# ---- the boundaries, exactly -----------------------------------------------------------------------

def counts(yes=(0, 0), no=(0, 0), abstain=(0, 0)) -> Counts:
    """Each choice as (persons, area in hundredths of m²)."""
    return Counts(yes[0], yes[1], no[0], no[1], abstain[0], abstain[1])


def test_exactly_two_thirds_takes_part():
    assert tally.participation_met(9, 900, counts(yes=(6, 600)))
    assert tally.participation_met(3, 3, counts(no=(2, 2)))


@pytest.mark.parametrize("persons,area", [(5, 600), (6, 599)])
def test_just_under_two_thirds_of_either_does_not(persons, area):
    assert not tally.participation_met(9, 900, counts(yes=(persons, area)))


def test_exactly_three_quarters_approves_matter_6_to_8():
    for matter in (6, 7, 8):
        assert tally.approval_met(matter, counts(yes=(3, 300), no=(1, 100)))
        assert tally.approval_met(matter, counts(yes=(3, 75), abstain=(1, 25)))  # abstaining counts against


@pytest.mark.parametrize("yes,no", [((3, 299), (1, 101)), ((2, 300), (1, 100))])
def test_just_under_three_quarters_does_not(yes, no):
    assert not tally.approval_met(6, counts(yes=yes, no=no, abstain=(1, 0) if yes[0] == 2 else (0, 0)))


@pytest.mark.parametrize("matter", [1, 2, 3, 4, 5, 9])
def test_exactly_half_is_not_more_than_half(matter):
    assert not tally.approval_met(matter, counts(yes=(2, 200), no=(2, 200)))
    assert not tally.approval_met(matter, counts(yes=(3, 200), no=(1, 100), abstain=(2, 100)))  # half the area
    assert not tally.approval_met(matter, counts(yes=(2, 201), no=(2, 199)))  # half the owners
    assert tally.approval_met(matter, counts(yes=(3, 201), no=(2, 200)))
    assert tally.approval_met(matter, counts(yes=(2, 2), abstain=(1, 1)))


def test_more_than_half_is_enough_outside_6_to_8_but_not_inside():
    assert tally.approval_met(1, counts(yes=(2, 200), no=(1, 100)))
    assert not tally.approval_met(6, counts(yes=(2, 200), no=(1, 100)))


def test_nobody_taking_part_passes_nothing():
    for matter in tally.MATTERS:
        result = tally.decide(matter, 5, 500, Counts())
        assert not result.participation_met and not result.approval_met and not result.passed


def test_passed_needs_both():
    taking_part = counts(yes=(2, 200), no=(2, 400))  # 4 of 6 owners, 600 of 900 m²: but yes is not more than half
    assert tally.decide(1, 6, 900, taking_part).participation_met
    assert not tally.decide(1, 6, 900, taking_part).passed
    assert tally.decide(1, 6, 900, counts(yes=(3, 500), no=(1, 100))).passed
    assert not tally.decide(1, 7, 900, counts(yes=(4, 600))).passed  # 4 of 7 owners is under two thirds


def test_the_listing_names_no_one_and_groups_by_owner_sets():
    voters = tally.group_voters([
        Holding("1-101", 8950, frozenset({"hash-a"})), Holding("1-102", 12035, frozenset({"hash-a"})),
        Holding("1-201", 7500, frozenset({"hash-a", "hash-b"})), Holding("1-202", 7500, frozenset({"hash-b", "hash-a"})),
        Holding("9-1", 10000, frozenset(), True), Holding("9-2", 5000, frozenset({"hash-d"}), True),
        Holding("2-101", 9000, frozenset()), Holding("2-102", 9000, frozenset())])
    assert tally.listing(voters).splitlines() == [
        "electorate v1", "D|9-1=100.00;9-2=50.00", "O|1-101=89.50;1-102=120.35", "O|1-201=75.00;1-202=75.00",
        "U|2-101=90.00", "U|2-102=90.00"]
    assert "hash-" not in tally.listing(voters)


def test_bad_choices_and_matters_are_refused():
    with pytest.raises(ValueError):
        tally.count([("maybe", 1)])
    with pytest.raises(ValueError):
        tally.decide(10, 1, 1, Counts())
    assert tally.count([("yes", 5), ("no", 7), ("yes", 1)]) == Counts().add("yes", 5).add("no", 7).add("yes", 1)


def test_areas_format_exactly():
    assert [tally.format_area(c) for c in (0, 1, 99, 100, 8950, 10_000_000_000_001)] == [
        "0.00", "0.01", "0.99", "1.00", "89.50", "100000000000.01"]


def test_areas_sum_without_rounding():
    """A thousand units of 0.01 m² and one of 99999.99 m²: the total is exact, and so is the boundary."""
    units = [Holding(f"S-{i}", 1, frozenset({f"o{i}"})) for i in range(1000)] + [
        Holding("S-big", 9_999_999, frozenset({"big"}))]
    voters = tally.group_voters(units)
    total = sum(v.area_centi for v in voters)
    assert total == 10_000_999 and tally.format_area(total) == "100009.99"
    big = counts(yes=(1, 9_999_999))
    assert not tally.participation_met(len(voters), total, big)  # almost all the area, one owner of 1001
    assert tally.participation_met(len(voters), total, counts(yes=(668, 9_999_999 + 667)))
    assert not tally.participation_met(len(voters), total, counts(yes=(667, 9_999_999 + 666)))  # 2001 < 2002
    assert not tally.participation_met(len(voters), total, counts(yes=(1000, 1000)))
