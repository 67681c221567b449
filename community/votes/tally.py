"""Counting owners' votes under Civil Code art. 278: pure functions, integers only, no database.

Who is one voter (the Supreme People's Court interpretation on 建筑物区分所有权, art. 9): units are grouped by
their set of current owners, so one buyer with several units counts once with the area summed and co-owners
count once together; every unit still held by the developer belongs to one voter; a unit with nobody on the
roster counts on its own (its ballot can only come on paper).

The electorate hash is SHA-256 over this listing, UTF-8, lines joined by "\\n":
``electorate v1`` then one line per voter, sorted: the kind (``D`` developer, ``O`` owners, ``U`` nobody on the
roster), ``|``, then the voter's units sorted by code as ``code=area`` (area in m² with two decimals) joined by
``;``. No names and no identity hashes are in it, so the listing can be published and the hash recomputed.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

CHOICES = ("yes", "no", "abstain")
MATTERS = range(1, 10)
SPECIAL_MATTERS = frozenset({6, 7, 8})  # raising the fund, rebuilding, changing the use of common parts
KIND_CODES = {"developer": "D", "owners": "O", "unowned": "U"}
HASH_HEADER = "electorate v1"


def format_area(centi: int) -> str:
    return f"{centi // 100}.{centi % 100:02d}"


@dataclass(frozen=True)
class Holding:
    """A unit as the roster has it when the vote opens."""
    code: str
    area_centi: int
    owners: frozenset[str]  # id hashes of the current owners
    developer_held: bool = False


@dataclass(frozen=True)
class Voter:
    kind: str  # developer | owners | unowned
    units: tuple[tuple[str, int], ...]  # (code, area in hundredths of m²), sorted by code

    @property
    def area_centi(self) -> int:
        return sum(area for _code, area in self.units)

    @property
    def line(self) -> str:
        return KIND_CODES[self.kind] + "|" + ";".join(f"{code}={format_area(area)}" for code, area in self.units)


def _key(holding: Holding) -> tuple:
    if holding.developer_held:
        return ("developer",)
    if holding.owners:
        return ("owners", holding.owners)
    return ("unowned", holding.code)


def group_voters(holdings: Iterable[Holding]) -> list[Voter]:
    """The voters of an estate, in the canonical order of their listing lines."""
    groups: dict[tuple, list[tuple[str, int]]] = {}
    for holding in holdings:
        groups.setdefault(_key(holding), []).append((holding.code, holding.area_centi))
    voters = [Voter(key[0], tuple(sorted(units))) for key, units in groups.items()]
    return sorted(voters, key=lambda v: v.line)


def listing(voters: Iterable[Voter]) -> str:
    return "\n".join([HASH_HEADER, *sorted(v.line for v in voters)])


def electorate_hash(voters: Iterable[Voter]) -> str:
    return hashlib.sha256(listing(voters).encode()).hexdigest()


@dataclass(frozen=True)
class Counts:
    yes_persons: int = 0
    yes_area: int = 0
    no_persons: int = 0
    no_area: int = 0
    abstain_persons: int = 0
    abstain_area: int = 0

    @property
    def persons(self) -> int:
        return self.yes_persons + self.no_persons + self.abstain_persons

    @property
    def area(self) -> int:
        return self.yes_area + self.no_area + self.abstain_area

    def add(self, choice: str, area_centi: int) -> "Counts":
        if choice not in CHOICES:
            raise ValueError(choice)
        values = dict(self.__dict__)
        values[f"{choice}_persons"] += 1
        values[f"{choice}_area"] += area_centi
        return Counts(**values)


def count(ballots: Iterable[tuple[str, int]]) -> Counts:
    """(choice, voter's area) for each voter that took part."""
    totals = dict.fromkeys(Counts.__dataclass_fields__, 0)
    for choice, area in ballots:
        if choice not in CHOICES:
            raise ValueError(choice)
        totals[f"{choice}_persons"] += 1
        totals[f"{choice}_area"] += area
    return Counts(**totals)


@dataclass(frozen=True)
class Result:
    counts: Counts
    participation_met: bool
    approval_met: bool

    @property
    def passed(self) -> bool:
        return self.participation_met and self.approval_met


def checks(matter: int, persons_total: int, area_total: int, counts: Counts) -> dict[str, bool]:
    """Each of the four conditions on its own.

    Participation: owners with at least two thirds of the area and at least two thirds of the owners take part
    (以上 includes the number itself). Approval, matters 6-8: at least three quarters of the participating area and
    owners agree; other matters: more than half (过半数: strictly more). Abstentions take part but do not agree;
    with nobody taking part nothing is approved."""
    special = matter in SPECIAL_MATTERS
    someone = counts.persons > 0
    return {
        "participation_persons": counts.persons * 3 >= persons_total * 2,
        "participation_area": counts.area * 3 >= area_total * 2,
        "approval_persons": someone and (counts.yes_persons * 4 >= counts.persons * 3 if special
                                         else counts.yes_persons * 2 > counts.persons),
        "approval_area": someone and (counts.yes_area * 4 >= counts.area * 3 if special
                                      else counts.yes_area * 2 > counts.area),
    }


def participation_met(persons_total: int, area_total: int, counts: Counts) -> bool:
    found = checks(1, persons_total, area_total, counts)
    return found["participation_persons"] and found["participation_area"]


def approval_met(matter: int, counts: Counts) -> bool:
    found = checks(matter, 0, 0, counts)
    return found["approval_persons"] and found["approval_area"]


def decide(matter: int, persons_total: int, area_total: int, counts: Counts) -> Result:
    if matter not in MATTERS:
        raise ValueError(matter)
    return Result(counts, participation_met(persons_total, area_total, counts), approval_met(matter, counts))


@dataclass(frozen=True)
class Marks:
    """How many voters, and how much of their area, marked one candidate."""
    candidate: int
    persons: int
    area: int


def elect(seats: int, persons_participating: int, area_participating: int, marks: Iterable[Marks],
          participation: bool = True) -> tuple[list[int], bool]:
    """The candidates elected, and whether a tie left a seat unfilled.

    A candidate qualifies when those who marked them are more than half of the participating persons and more
    than half of the participating area (and the vote's participation was met). Qualified candidates take the
    seats in order of persons, then area; when the last seats cannot be told apart, every candidate level with
    the last seat stays out and the seat is left open: the estate's rules settle it, never the software."""
    if not participation:
        return [], False
    qualified = sorted((m for m in marks if m.persons * 2 > persons_participating and m.area * 2 > area_participating),
                       key=lambda m: (-m.persons, -m.area, m.candidate))
    if len(qualified) <= seats:
        return [m.candidate for m in qualified], False
    last = (qualified[seats - 1].persons, qualified[seats - 1].area)
    if (qualified[seats].persons, qualified[seats].area) != last:
        return [m.candidate for m in qualified[:seats]], False
    return [m.candidate for m in qualified[:seats] if (m.persons, m.area) != last], True
