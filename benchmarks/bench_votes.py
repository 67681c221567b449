"""Owners' votes benchmark: freezing the electorate, casting ballots and counting, on a 10,000-unit estate.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL database that is
dropped afterwards) with the deterministic estate of ``generate_estate.py`` it times:

- opening a vote: grouping every unit of the roster into voters and storing the frozen electorate;
- ballots through the JSON API (Flask test client, bearer tokens, one owner each);
- ballots through the service layer (``services.cast``), and paper ballots (``record_paper``, each audited),
  until 8,000 voters have voted;
- closing: the tally, checked against the ballots marked cast, and the result stored and audited;
- the pure count in memory (``tally.group_voters`` + ``tally.count`` + ``tally.decide``) for comparison;
- an assembly's ballot of three items (a motion, an election of 3 among 5, a matter-6 motion): ballots through
  the services, then the close that counts each item alone;
- the PDF of one ballot paper per unit (WeasyPrint, the CJK font embedded), for ``--papers`` units.

Paper ballots are entered by one committee member and confirmed by a second; the rules of procedure are set to
no notice period, so votes open at once.

Run: ``.venv/bin/python benchmarks/bench_votes.py [--postgres] [--units 10000] [--ballots 8000]
[--assembly-ballots 3000] [--papers 10000]``.
"""

import argparse
import contextvars
import os
import random
import time
from contextlib import contextmanager
from datetime import timedelta

from bench_foundation import HASH_METHOD, SECRET, on_each_database
from flask_migrate import upgrade
from generate_estate import build_estate
from sqlalchemy import select

from community import create_app
from community.accounts import services as accounts
from community.accounts.models import User
from community.core import identity
from community.core.timeutil import utcnow
from community.extensions import db
from community.votes import services as votes
from community.votes import tally
from community.votes.models import VoteVoter, VoteVoterUnit


@contextmanager
def timed(label: str, count: int | None = None, unit: str = ""):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = f", {count / wall:,.0f} {unit}/s" if count else ""
    print(f"{label}: {wall * 1000:,.0f} ms (cpu {cpu * 1000:,.0f} ms{rate})", flush=True)


def run(url: str, name: str, args) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD, "SECRET_KEY": SECRET})
    rng = random.Random(args.seed)
    with app.app_context():
        upgrade(revision="heads")
        estate = build_estate(app, units=args.units, users=args.users, seed=args.seed, via="bulk")
        plan = {entry["phone"]: entry for entry in estate.plan}
        owners = db.session.execute(select(User.id, User.phone).where(
            User.id.in_(estate.user_ids), User.role == "owner", User.status == "approved").order_by(User.id)).all()
        admin = db.session.get(User, estate.admin_id)
        member_id = accounts.set_committee(admin, owners[0].id, True).id
        second_id = accounts.set_committee(admin, owners[1].id, True).id
        votes.update_procedure(db.session.get(User, member_id), {"notice_days": 0})
        owners = [owners[0]] + owners[2:]
        db.session.remove()

        member = db.session.get(User, member_id)
        vote = votes.create(member, {"title": "续聘物业服务企业", "body": "是否续聘现物业公司？", "matter": 4,
                                     "closes_at": utcnow() + timedelta(days=14)})
        with timed(f"open: freeze the electorate of {args.units:,} units ({name})", args.units, "units"):
            vote = votes.open_vote(member, vote.id)
        vote_id = vote.id
        print(f"  electorate: {vote.persons_total:,} voters, {tally.format_area(vote.area_total_centi)} m²")

        # Which voter each owner casts for: their plan unit's voter (an owner in several voters names it).
        voter_of_unit = dict(db.session.execute(select(VoteVoterUnit.unit_code, VoteVoterUnit.voter_id).where(
            VoteVoterUnit.vote_id == vote_id)).all())
        casters, seen = [], set()
        for user_id, phone in owners[1:]:
            voter = voter_of_unit.get(plan[phone]["unit"])
            if voter is not None and voter not in seen:
                seen.add(voter)
                casters.append((user_id, plan[phone]["unit"]))
        rng.shuffle(casters)
        through_api, through_services = casters[:args.api_ballots], casters[args.api_ballots:args.ballots]

        tokens = [(accounts.issue_token(db.session.get(User, user_id)), unit) for user_id, unit in through_api]
        client = app.test_client()
        # Each request in a context of its own, as on a server: a fresh app context and database session
        # (in the benchmark's own app context every request would share one ever-growing session).

        def post(*args, **kwargs):
            return contextvars.Context().run(client.post, *args, **kwargs)

        choices = ("yes", "yes", "yes", "no", "abstain")
        with timed(f"ballots through the API: {len(tokens):,} ({name})", len(tokens), "ballots"):
            for token, unit in tokens:
                r = post(f"/api/v1/votes/{vote_id}/ballots", headers={"Authorization": f"Bearer {token}"},
                                json={"choice": rng.choice(choices), "unit": unit})
                if r.status_code != 201:
                    raise SystemExit(f"ballot refused: {r.status_code} {r.get_json()}")
        db.session.remove()

        with timed(f"ballots through services.cast: {len(through_services):,} ({name})", len(through_services),
                   "ballots"):
            for user_id, unit in through_services:
                votes.cast(db.session.get(User, user_id), vote_id, rng.choice(choices), unit)
                db.session.remove()  # one session per ballot, as one per request
        db.session.remove()

        missing = args.ballots - len(through_api) - len(through_services)
        left = list(db.session.execute(select(VoteVoterUnit.unit_code).join(
            VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id).where(
            VoteVoterUnit.vote_id == vote_id, VoteVoter.voted.is_(False))).scalars())
        by_voter = {}
        for code in left:
            by_voter.setdefault(voter_of_unit[code], code)
        paper = list(by_voter.values())[:max(missing, 0)]
        with timed(f"paper ballots, each audited: {len(paper):,} ({name})", len(paper), "ballots"):
            for code in paper:
                entered, _none = votes.record_paper(db.session.get(User, member_id), vote_id, {
                    "unit": code, "choice": rng.choice(choices), "evidence": "纸质表决票，业主签字"})
                votes.confirm_paper(db.session.get(User, second_id), vote_id, entered.id)
                db.session.remove()
        db.session.remove()

        member = db.session.get(User, member_id)
        with timed(f"close: tally {args.units:,} units, {args.ballots:,} ballots, checked and stored ({name})"):
            vote = votes.close(member, vote_id, "基准测试")
        result = votes.serialize_result(vote)
        print(f"  took part: {vote.persons_participating:,} voters, {tally.format_area(vote.area_participating_centi)}"
              f" m²; yes {result['yes_persons']:,} / {result['yes_area']} m²; passed: {result['passed']}")
        with timed(f"result.csv ({name})"):
            votes.result_csv(member, vote_id)

        holdings = [h for _id, h in votes.roster_holdings()]
        voters = tally.group_voters(holdings)
        ballots = [(rng.choice(choices), v.area_centi) for v in voters[:args.ballots]]
        with timed(f"pure count in memory: group {len(holdings):,} units, count {len(ballots):,} ballots"):
            grouped = tally.group_voters(holdings)
            tally.decide(4, len(grouped), sum(v.area_centi for v in grouped), tally.count(ballots))
        assembly(app, member_id, casters, rng, name, args)
        db.engine.dispose()


def assembly(app, member_id: int, casters: list, rng: random.Random, name: str, args) -> None:
    member = db.session.get(User, member_id)
    vote = votes.create(member, {
        "title": "业主大会", "body": "三项议题", "closes_at": utcnow() + timedelta(days=14), "items": [
            {"kind": "motion", "title": "修订议事规则", "body": "b", "matter": 1},
            {"kind": "election", "title": "选举业委会委员", "body": "b", "seats": 3,
             "candidates": [{"name": f"候选人{n}"} for n in range(1, 6)]},
            {"kind": "motion", "title": "筹集维修资金", "body": "b", "matter": 6}]})
    vote = votes.open_vote(member, vote.id)
    vote_id = vote.id
    items = votes.serialize_items(vote)
    candidates = [c["id"] for c in items[1]["candidates"]]
    chosen = casters[:args.assembly_ballots]
    with timed(f"assembly ballots of three items through services.cast: {len(chosen):,} ({name})", len(chosen),
               "ballots"):
        for user_id, unit in chosen:
            votes.cast(db.session.get(User, user_id), vote_id, unit=unit, choices={
                str(items[0]["id"]): rng.choice(("yes", "yes", "no", "abstain")),
                str(items[1]["id"]): rng.sample(candidates, rng.randint(0, 3)),
                str(items[2]["id"]): rng.choice(("yes", "yes", "yes", "no"))})
            db.session.remove()
    member = db.session.get(User, member_id)
    with timed(f"close: tally {args.units:,} units, {len(chosen):,} three-item ballots, each item alone ({name})"):
        vote = votes.close(member, vote_id, "基准测试")
    elected = [c["name"] for c in votes.serialize_items(vote)[1]["result"]["candidates"] if c["elected"]]
    print(f"  took part: {vote.persons_participating:,} voters; elected: {elected or 'nobody'}")
    if args.papers:
        papers(app, member_id, args, name)


def papers(app, member_id: int, args, name: str) -> None:
    from community.estate.models import Unit
    from community.votes import documents
    member = db.session.get(User, member_id)
    ids = list(db.session.scalars(select(Unit.id).order_by(Unit.id).limit(args.papers)))
    vote = votes.create(member, {"title": "纸质表决票", "body": "b", "matter": 5,
                                 "closes_at": utcnow() + timedelta(days=14)}, scope_units=ids)
    votes.open_vote(member, vote.id)
    with app.test_request_context(), timed(f"PDF of {len(ids):,} ballot papers ({name})", len(ids), "pages"):
        pdf = documents.ballot_papers(member, vote.id)
    print(f"  {len(pdf) / 1e6:,.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a fresh PostgreSQL database")
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--users", type=int, default=16000, help="registered people (about 55%% owners)")
    parser.add_argument("--ballots", type=int, default=8000)
    parser.add_argument("--api-ballots", type=int, default=1000, help="of --ballots, cast through the API")
    parser.add_argument("--assembly-ballots", type=int, default=3000, help="three-item ballots to cast")
    parser.add_argument("--papers", type=int, default=10000, help="ballot papers in the PDF (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("COMMUNITY_SECRET_KEY", SECRET)
    identity.common_passwords()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    on_each_database(run, args)


if __name__ == "__main__":
    main()
