"""A large, deterministic estate for benchmarks: a roster of units and owners, and the people who register.

Functions to reuse in other benchmarks:

- ``make_roster(units, seed)``: units across ~25 buildings (codes like ``12-3-1502``), about 3% held by the
  developer, about 8% of purchases by someone who already owns a unit, about 15% of units with a co-owner.
  Answers the payload ``estate.services.import_units`` takes; ``roster_csv`` writes it as the CLI's CSV.
- ``change_ownership(roster, fraction, seed)``: a copy with that share of units sold or co-owners changed.
- ``plan_users(roster, users, seed)``: registrations: ~55% owners who match the roster, ~2% vendors, the
  rest family and tenants; ~3% left pending; display names unique, like ``12栋王姐``. Every password is
  ``PASSWORD``.
- ``create_users(plan, approver, via)``: ``via="services"`` calls ``register`` and ``approve`` per person;
  ``via="bulk"`` writes the same users, registrations and unit rights with a few multi-row ORM inserts
  instead, sharing one password hash and writing no audit entries. It is for benchmark fixtures only.
- ``build_estate(app, units, users, seed, via)``: roster (through ``import_units``), an admin and a staff
  member (through ``create_staff``), then the users.

CLI: ``python benchmarks/generate_estate.py --units 5000 --users 10000 --out DIR`` writes ``roster.csv``,
``roster-changed.csv`` (1% ownership changes) and ``users.csv``; add ``--database URL`` to also migrate
that database and build the estate in it.
"""

import argparse
import copy
import csv
import io
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

from community.accounts import services as accounts
from community.accounts.models import ROLE_FOR_RELATION, Registration, User, UserUnit
from community.core import identity
from community.core.timeutil import utcnow
from community.demo import make_id_number, make_name
from community.estate import services as estate
from community.estate.models import Owner, Unit
from community.extensions import db
from community.rules import services as rules

PASSWORD = "linli-bench-2026"
ADMIN = {"real_name": "林管理", "phone": "13800000001", "password": PASSWORD, "role": "admin"}
STAFF = {"real_name": "周前台", "phone": "13800000002", "password": PASSWORD, "role": "staff"}
PHONE_PREFIXES = ("135", "136", "139", "150", "158", "186", "188")  # not 138: staff phones live there
TRADES = ("便民维修部", "家政服务", "桶装水站", "生鲜店", "快递驿站", "开锁换锁", "洗衣店", "搬家公司")
NICKNAMES = ("老师", "阿姨", "叔", "哥", "姐", "先生", "女士", "师傅")


class People:
    """Chinese names with valid ID numbers, no number issued twice."""

    def __init__(self, rng: random.Random, taken: set[str] = frozenset()):
        self.rng, self.taken = rng, set(taken)

    def new(self) -> dict:
        number = make_id_number(self.rng)
        while number in self.taken:
            number = make_id_number(self.rng)
        self.taken.add(number)
        return {"name": make_name(self.rng), "id_number": number}


def _unit_codes(rng: random.Random):
    """Building-entrance-floor+room: 2 or 3 entrances, 18 to 33 floors, 3 rooms a floor."""
    for building in itertools.count(1):
        entrances, floors = rng.choice((2, 3)), rng.randint(18, 33)
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                for room in range(1, 4):
                    yield f"{building}-{entrance}-{floor}{room:02d}", str(building)


def make_roster(units: int = 5000, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    people, holders, roster = People(rng), [], []
    for code, building in itertools.islice(_unit_codes(rng), units):
        developer_held = rng.random() < 0.03
        owners = []
        if not developer_held:
            if holders and rng.random() < 0.08:
                owners = [rng.choice(holders)]
            else:
                owners = [people.new()]
                holders.append(owners[0])
            if rng.random() < 0.15:
                owners.append(people.new())
                holders.append(owners[1])
        roster.append({"code": code, "building": building, "area": estate.format_area(rng.randint(5500, 18000)),
                       "developer_held": developer_held, "owners": owners})
    return roster


def roster_people(roster: list[dict]) -> list[tuple[dict, str]]:
    """Each owner once, with the first unit they own."""
    seen: dict[str, tuple[dict, str]] = {}
    for unit in roster:
        for owner in unit["owners"]:
            seen.setdefault(owner["id_number"], (owner, unit["code"]))
    return list(seen.values())


def change_ownership(roster: list[dict], fraction: float = 0.01, seed: int = 1) -> list[dict]:
    """A copy where ``fraction`` of the owned units change hands or gain or lose a co-owner."""
    rng = random.Random(seed + 1)
    changed = copy.deepcopy(roster)
    existing = [owner for owner, _code in roster_people(changed)]
    people = People(rng, {o["id_number"] for o in existing})
    owned = [u for u in changed if u["owners"]]
    for unit in rng.sample(owned, round(len(changed) * fraction)):
        kind = rng.choice(("sold", "sold to an owner", "co-owner added", "co-owner removed"))
        if kind == "sold":
            unit["owners"] = [people.new()]
        elif kind == "sold to an owner":
            unit["owners"] = [rng.choice([o for o in existing if o not in unit["owners"]])]
        elif kind == "co-owner added" or len(unit["owners"]) == 1:
            unit["owners"].append(people.new())
        else:
            unit["owners"].pop()
    return changed


def roster_csv(roster: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(estate.CSV_COLUMNS)
    for unit in roster:
        held = "true" if unit["developer_held"] else "false"
        for owner in unit["owners"] or [{"name": "", "id_number": ""}]:
            writer.writerow([unit["code"], unit["building"], unit["area"], held, owner["name"], owner["id_number"]])
    return out.getvalue()


def plan_users(roster: list[dict], users: int = 10000, seed: int = 1) -> list[dict]:
    """Registration payloads (without the rules version), each with an ``approve`` flag."""
    rng = random.Random(seed + 2)
    owners = roster_people(roster)
    rng.shuffle(owners)
    people = People(rng, {o["id_number"] for o, _code in owners})
    owned = [u["code"] for u in roster if u["owners"]]
    n_owners = min(len(owners), round(users * 0.55))
    n_vendors = round(users * 0.02)
    plan = []
    for owner, code in owners[:n_owners]:
        plan.append({"real_name": owner["name"], "id_number": owner["id_number"], "relation": "owner", "unit": code})
    for i in range(users - n_owners):
        person = people.new()
        entry = {"real_name": person["name"], "id_number": person["id_number"]}
        if i < n_vendors:
            entry |= {"relation": "vendor", "unit": None,
                      "organization": person["name"][0] + "记" + rng.choice(TRADES)}
        else:
            entry |= {"relation": rng.choice(("family", "family", "family", "tenant", "tenant")),
                      "unit": rng.choice(owned)}
        plan.append(entry)
    rng.shuffle(plan)
    taken: set[str] = set()
    for serial, entry in enumerate(plan, start=1):
        entry["phone"] = f"{rng.choice(PHONE_PREFIXES)}{serial:08d}"
        entry["password"] = PASSWORD
        entry["display_name"] = _unique(taken, entry.get("organization") or
                                        f"{entry['unit'].split('-')[0]}栋{entry['real_name'][0]}{rng.choice(NICKNAMES)}")
        entry["approve"] = rng.random() >= 0.03
    return plan


def _unique(taken: set[str], name: str) -> str:
    """Display names are unique: the second 12栋王姐 becomes 12栋王姐2."""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name}{n}"
    taken.add(candidate.lower())
    return candidate


def create_users(plan: list[dict], *, approver: User, via: str = "bulk") -> list[int]:
    """Create the planned users in the current app context; answer their ids in plan order."""
    version = rules.current_version()
    if via == "services":
        ids = []
        for entry in plan:
            data = {k: v for k, v in entry.items() if k != "approve"} | {"accepted_rules_version": version}
            user = accounts.register(data)
            if entry["approve"]:
                accounts.approve(approver, user.id)
            ids.append(user.id)
        return ids
    if via != "bulk":
        raise ValueError(f"unknown via: {via}")
    return _insert_users(plan, approver, version)


def _insert_users(plan: list[dict], approver: User, version: int) -> list[int]:
    """What ``register`` then ``approve`` would leave behind, minus the audit entries."""
    secret, now = accounts.id_key(), utcnow()
    password_hash = accounts.hash_password(PASSWORD)
    unit_ids = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    holdings: dict[str, list[tuple[int, str]]] = {}
    for unit_id, id_hash, name in db.session.execute(
            select(Owner.unit_id, Owner.id_hash, Owner.name).where(Owner.ended_at.is_(None)).order_by(Owner.unit_id)):
        holdings.setdefault(id_hash, []).append((unit_id, name))
    digests = [identity.id_hash(secret, e["id_number"]) for e in plan]
    ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [{
        "phone": e["phone"], "password_hash": password_hash, "real_name": e["real_name"],
        "display_name": e["display_name"], "role": ROLE_FOR_RELATION[e["relation"]],
        "status": "approved" if e["approve"] else "pending", "id_hash": digest,
        "id_last4": identity.id_last4(e["id_number"]), "accepted_rules_version": version, "created_at": now,
    } for e, digest in zip(plan, digests)]))
    registrations, links = [], []
    for user_id, e, digest in zip(ids, plan, digests):
        unit_id = unit_ids[e["unit"]] if e["unit"] else None
        held = holdings.get(digest, []) if e["relation"] == "owner" else []
        registrations.append({
            "id": user_id, "relation": e["relation"], "unit_id": unit_id, "organization": e.get("organization"),
            "roster_match": (unit_id, e["real_name"]) in held, "submitted_at": now, "attempts": 1,
            "decided_at": now if e["approve"] else None, "decided_by_id": approver.id if e["approve"] else None})
        if e["approve"]:
            units = [u for u, _name in held]
            if unit_id is not None and unit_id not in units:
                units.insert(0, unit_id)
            links += [{"user_id": user_id, "unit_id": u, "relation": e["relation"], "started_at": now}
                      for u in units]
    db.session.execute(insert(Registration), registrations)
    if links:
        db.session.execute(insert(UserUnit), links)
    db.session.commit()
    return ids


@dataclass
class Estate:
    roster: list[dict]
    plan: list[dict]
    admin_id: int
    staff_id: int
    user_ids: list[int]  # in plan order; log in with the plan's phone and PASSWORD


def build_estate(app, units: int = 5000, users: int = 10000, seed: int = 1, via: str = "bulk") -> Estate:
    roster = make_roster(units, seed)
    plan = plan_users(roster, users, seed)
    with app.app_context():
        estate.import_units(None, roster, via="cli")
        admin = accounts.create_staff(None, ADMIN, via="cli")
        staff = accounts.create_staff(admin, STAFF)
        ids = create_users(plan, approver=staff, via=via)
        return Estate(roster, plan, admin.id, staff.id, ids)


def write_files(out: Path, units: int, users: int, seed: int) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    roster = make_roster(units, seed)
    (out / "roster.csv").write_text(roster_csv(roster), encoding="utf-8")
    (out / "roster-changed.csv").write_text(roster_csv(change_ownership(roster, 0.01, seed)), encoding="utf-8")
    columns = ("phone", "real_name", "id_number", "relation", "unit", "organization", "display_name", "approve")
    with (out / "users.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(plan_users(roster, users, seed))
    return roster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database to build the estate in")
    parser.add_argument("--via", choices=("bulk", "services"), default="bulk")
    args = parser.parse_args()
    roster = write_files(args.out, args.units, args.users, args.seed)
    buildings = len({u["building"] for u in roster})
    print(f"wrote {args.out}/roster.csv ({len(roster)} units in {buildings} buildings), "
          f"roster-changed.csv, users.csv ({args.users} registrations)")
    if args.database:
        from flask_migrate import upgrade

        from community import create_app
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            upgrade()
        built = build_estate(app, args.units, args.users, args.seed, args.via)
        print(f"built the estate in {args.database}: admin {built.admin_id}, staff {built.staff_id}, "
              f"{len(built.user_ids)} users ({args.via}); password {PASSWORD}")


if __name__ == "__main__":
    main()
