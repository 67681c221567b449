"""What callers see of a vote: its summary and detail, the frozen electorate listing, turnout by building for
the committee, and after the close the result, the ballots of an open vote by unit and area (no names) and CSV."""

import csv
import io

from sqlalchemy import func, select

from ..core import policy
from ..core.errors import Conflict, Denied
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..core.web import local_stamp
from ..estate.models import Building, Unit
from ..extensions import db
from . import attachments, ballots, procedure, tally
from .common import COUNTED, find, loads
from .models import PaperBallot, Vote, VoteCandidate, VoteItem, VoteVoter, VoteVoterUnit


def serialize_result(vote: Vote) -> dict | None:
    if vote.status not in COUNTED:
        return None
    if vote.multi:
        return {"participation_met": vote.participation_met}
    return {
        "yes_persons": vote.yes_persons, "yes_area": tally.format_area(vote.yes_area_centi),
        "no_persons": vote.no_persons, "no_area": tally.format_area(vote.no_area_centi),
        "abstain_persons": vote.abstain_persons, "abstain_area": tally.format_area(vote.abstain_area_centi),
        "participation_met": vote.participation_met, "approval_met": vote.approval_met, "passed": vote.passed,
    }


def _area(centi: int | None) -> str | None:
    return None if centi is None else tally.format_area(centi)


def serialize_scope(vote: Vote) -> dict | None:
    scope = loads(vote.scope)
    if scope and "units" in scope:
        return {"units": sorted(db.session.scalars(select(Unit.code).where(Unit.id.in_(scope["units"]))))}
    return scope


def serialize_summary(vote: Vote) -> dict:
    return {
        "id": vote.id, "title": vote.title, "matter": vote.matter, "secret": vote.secret, "status": vote.status,
        "closes_at": iso(vote.closes_at), "opens_at": iso(vote.opens_at), "persons_total": vote.persons_total,
        "area_total": _area(vote.area_total_centi),
        "persons_participating": vote.persons_participating,
        "area_participating": tally.format_area(vote.area_participating_centi or 0),
        "passed": vote.passed, "multi": vote.multi,
    }


def serialize_items(vote: Vote) -> list[dict]:
    candidates: dict[int, list[dict]] = {}
    for c in db.session.scalars(select(VoteCandidate).where(VoteCandidate.vote_id == vote.id)
                                .order_by(VoteCandidate.position)):
        candidates.setdefault(c.item_id, []).append({"id": c.id, "name": c.name, "statement": c.statement})
    counted = vote.status in COUNTED
    return [{"id": i.id, "kind": i.kind, "title": i.title, "body": i.body, "body_html": i.body_html,
             "matter": i.matter, "seats": i.seats, "candidates": candidates.get(i.id, []),
             "approval_rule": "three_quarters" if i.matter in tally.SPECIAL_MATTERS else "more_than_half",
             "result": loads(i.result) if counted else None}
            for i in db.session.scalars(select(VoteItem).where(VoteItem.vote_id == vote.id)
                                        .order_by(VoteItem.position))]


def flags(vote: Vote, viewer) -> dict:
    """What the viewer may do now, for pages and clients: never a comparison of role names."""
    manage = policy.can(viewer, "vote.manage")
    mine = bool(ballots.own_voter_ids(viewer, vote)) if vote.status != "draft" else False
    return {"can_edit": manage and vote.status == "draft", "can_announce": manage and vote.status == "draft",
            "can_open": manage and vote.status in ("draft", "announced"),
            "can_close": manage and vote.status == "open", "can_enter_paper": manage and vote.status == "open",
            "can_finalize": manage and vote.status == "closed", "can_answer": manage and vote.status == "closed",
            "can_object": mine and vote.status == "closed" and utcnow() <= vote.objection_until
            and policy.can(viewer, "vote.object"),
            "can_appoint_proxy": (mine or manage) and vote.status in ("announced", "open")}


def serialize(vote: Vote, viewer) -> dict:
    data = serialize_summary(vote) | {
        "body": vote.body, "body_html": vote.body_html,
        "approval_rule": "three_quarters" if vote.matter in tally.SPECIAL_MATTERS else "more_than_half",
        "created_at": iso(vote.created_at), "announced_at": iso(vote.announced_at),
        "opened_at": iso(vote.opened_at), "closed_at": iso(vote.closed_at),
        "closed_by": None if vote.status not in COUNTED else ("committee" if vote.closed_by_id else "deadline"),
        "close_reason": vote.close_reason, "objection_until": iso(vote.objection_until),
        "finalized_at": iso(vote.finalized_at), "preliminary": vote.status == "closed",
        "extended_at": iso(vote.extended_at),
        "electorate_hash": vote.electorate_hash, "result": serialize_result(vote),
        "procedure": procedure.of_vote(vote), "scope": serialize_scope(vote), "items": serialize_items(vote),
        "documents": attachments.listed(vote),
        "my_voters": [{k: v for k, v in m.items() if k != "area_centi"} for m in ballots.my_voters(viewer, vote)],
        **flags(vote, viewer),
    }
    if vote.status in COUNTED:
        data["ballots_by_proxy"] = db.session.scalar(select(func.count(VoteVoter.id)).where(
            VoteVoter.vote_id == vote.id, VoteVoter.by_proxy.is_(True)))
    if policy.can(viewer, "vote.manage"):
        from .paper import serialize_paper
        data["conflicts"] = [serialize_paper(p) for p in db.session.scalars(select(PaperBallot).where(
            PaperBallot.vote_id == vote.id, PaperBallot.status == "conflict").order_by(PaperBallot.id))]
        data["pending_papers"] = [serialize_paper(p) for p in db.session.scalars(select(PaperBallot).where(
            PaperBallot.vote_id == vote.id, PaperBallot.status == "pending").order_by(PaperBallot.id))]
    return data


def electorate(actor, vote_id: int) -> dict:
    """The frozen listing, without names, from which anyone can recompute the electorate hash."""
    vote = find(actor, vote_id)
    if vote.status == "draft":
        raise Conflict(_("The electorate is frozen when the vote is announced."))
    committee = policy.can(actor, "vote.manage")
    voters = {v.id: v for v in db.session.scalars(select(VoteVoter).where(VoteVoter.vote_id == vote.id))}
    units: dict[int, list[tuple[str, int]]] = {}
    for voter_id, code, area in db.session.execute(select(
            VoteVoterUnit.voter_id, VoteVoterUnit.unit_code, VoteVoterUnit.area_centi).where(
            VoteVoterUnit.vote_id == vote.id)):
        units.setdefault(voter_id, []).append((code, area))
    items = []
    for voter in sorted(voters.values(), key=lambda v: v.position):
        frozen = tally.Voter(voter.kind, tuple(sorted(units.get(voter.id, ()))))
        item = {"position": voter.position, "kind": voter.kind, "area": tally.format_area(voter.area_centi),
                "units": [{"code": c, "area": tally.format_area(a)} for c, a in frozen.units], "line": frozen.line}
        if committee:
            item |= {"voted": voter.voted, "channel": voter.channel}
        items.append(item)
    return {"electorate_hash": vote.electorate_hash, "header": tally.HASH_HEADER, "items": items}


def turnout(actor, vote_id: int) -> list[dict]:
    """Turnout by building while the vote runs (no choices), with the units not yet voted for door-to-door visits."""
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    if vote.status == "draft":
        raise Conflict(_("The electorate is frozen when the vote is announced."))
    found: dict[str, dict] = {}
    for code, unit_code, area, voted in db.session.execute(
            select(Building.code, VoteVoterUnit.unit_code, VoteVoterUnit.area_centi, VoteVoter.voted)
            .join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id).join(Unit, Unit.id == VoteVoterUnit.unit_id)
            .join(Building, Building.id == Unit.building_id).where(VoteVoterUnit.vote_id == vote.id)
            .order_by(Building.code, VoteVoterUnit.unit_code)):
        row = found.setdefault(code, {"building": code, "units": 0, "units_voted": 0, "area_centi": 0,
                                      "area_voted_centi": 0, "not_voted": []})
        row["units"] += 1
        row["area_centi"] += area
        if voted:
            row["units_voted"] += 1
            row["area_voted_centi"] += area
        else:
            row["not_voted"].append(unit_code)
    return [{k: (tally.format_area(v) if k.endswith("_centi") else v) for k, v in row.items()}
            for row in found.values()]


def published_ballots(actor, vote_id: int) -> list[dict]:
    """After an open (not secret) vote closes: each unit that voted, its area and its voter's choice; no names."""
    vote = find(actor, vote_id)
    if vote.secret:
        raise Denied(_("The ballots of a secret vote are never published."))
    if vote.status not in COUNTED:
        raise Conflict(_("Ballots are published when the vote closes."))
    rows = db.session.execute(
        select(VoteVoterUnit.unit_code, VoteVoterUnit.area_centi, VoteVoter.choice, VoteVoter.choices,
               VoteVoter.channel, VoteVoter.by_proxy)
        .join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id)
        .where(VoteVoterUnit.vote_id == vote.id, VoteVoter.voted.is_(True)).order_by(VoteVoterUnit.unit_code))
    out = []
    for code, area, choice, choices, channel, by_proxy in rows:
        row = {"unit": code, "area": tally.format_area(area), "choice": choice, "channel": channel,
               "by_proxy": by_proxy}
        if vote.multi:
            row["choices"] = loads(choices)
        out.append(row)
    return out


def result_csv(actor, vote_id: int) -> tuple[str, str]:
    """The result as CSV (with a BOM, so that spreadsheet programs read the Chinese): file name and text."""
    vote = find(actor, vote_id)
    if vote.status not in COUNTED:
        raise Conflict(_("The result is published when the vote closes."))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["item", "persons", "area", "value"])
    writer.writerow(["vote", "", "", vote.id])
    writer.writerow(["title", "", "", vote.title])
    writer.writerow(["matter", "", "", vote.matter])
    writer.writerow(["secret", "", "", str(vote.secret).lower()])
    writer.writerow(["closed_at", "", "", local_stamp(vote.closed_at)])
    writer.writerow(["electorate_hash", "", "", vote.electorate_hash])
    writer.writerow(["electorate", vote.persons_total, tally.format_area(vote.area_total_centi), ""])
    writer.writerow(["participating", vote.persons_participating,
                     tally.format_area(vote.area_participating_centi), ""])
    if not vote.multi:
        result = serialize_result(vote)
        for choice in tally.CHOICES:
            writer.writerow([choice, result[f"{choice}_persons"], result[f"{choice}_area"], ""])
        for name in ("participation_met", "approval_met", "passed"):
            writer.writerow([name, "", "", str(result[name]).lower()])
    else:
        for item in serialize_items(vote):
            writer.writerow([f"item {item['id']}", "", "", item["title"]])
            result = item["result"]
            if item["kind"] == "motion":
                for choice in tally.CHOICES:
                    writer.writerow([choice, result[f"{choice}_persons"], result[f"{choice}_area"], ""])
                writer.writerow(["passed", "", "", str(result["passed"]).lower()])
            else:
                for c in result["candidates"]:
                    writer.writerow([c["name"], c["yes_persons"], c["yes_area"], str(c["elected"]).lower()])
                writer.writerow(["tie", "", "", str(result["tie"]).lower()])
    if not vote.secret:
        writer.writerow([])
        writer.writerow(["unit", "area", "choice", "channel"])
        for row in published_ballots(actor, vote.id):
            writer.writerow([row["unit"], row["area"], row["choice"] or row.get("choices"), row["channel"]])
    return f"vote-{vote.id}-result.csv", "\ufeff" + out.getvalue()
