"""Ballots: who may cast a voter's ballot, what a ballot answers, and counting it.

Who casts a voter's ballot (the electorate frozen when the vote was announced stands): an approved owner who
owns *every* unit of the voter now, or one who owned them all at the freeze and still owns one of them (the
owner of record keeps the ballot); a buyer of part of a voter's units casts nothing for it. The developer's
units vote only while all of them are still the developer's. A proxy holder casts the voters they hold a proxy
for. Whoever may cast for several voters names the ``unit``.

The first ballot of a voter counts, online or on paper (with ``paper_precedence`` "online", an online ballot
replaces a counted paper ballot). Every running total of the vote is written by every ballot."""

import hashlib
import hmac
import secrets

from sqlalchemy import case, select, update

from ..core import policy
from ..core.errors import Conflict, Denied, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Owner, Unit
from ..extensions import db
from . import tally
from .common import dumps, find, loads
from .models import (
    PaperBallot,
    Vote,
    VoteCandidate,
    VoteCount,
    VoteItem,
    VoteItemCount,
    VoteProxy,
    VoteReceipt,
    VoteVoter,
    VoteVoterUnit,
)

# Crockford's base32: no I, L, O or U, so a receipt read aloud or copied by hand survives.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 20  # 100 bits
_RECEIPT_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})
AFTER_FREEZE = ("announced", "open", "closed", "final")


# ---- who may cast ---------------------------------------------------------------------------------

def own_voter_ids(actor, vote: Vote) -> set[int]:
    """The voters whose ballot ``actor`` may cast as an owner (see the module's rule on sales)."""
    if vote.status not in AFTER_FREEZE or not policy.can(actor, "vote.cast") or not actor.id_hash:
        return set()
    frozen_at = vote.announced_at or vote.opened_at
    rows = db.session.execute(
        select(VoteVoterUnit.voter_id, VoteVoterUnit.unit_id, VoteVoter.kind, Unit.developer_held,
               Owner.started_at, Owner.ended_at)
        .join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id)
        .join(Unit, Unit.id == VoteVoterUnit.unit_id)
        .join(Owner, Owner.unit_id == VoteVoterUnit.unit_id)
        .where(VoteVoterUnit.vote_id == vote.id, Owner.id_hash == actor.id_hash)).all()
    if not rows:
        return set()
    now_units: dict[int, set[int]] = {}
    then_units: dict[int, set[int]] = {}
    kinds: dict[int, tuple[str, bool]] = {}
    for voter_id, unit_id, kind, developer_held, started, ended in rows:
        previous = kinds.get(voter_id, (kind, True))
        kinds[voter_id] = (kind, previous[1] and bool(developer_held))
        if ended is None:
            now_units.setdefault(voter_id, set()).add(unit_id)
        if frozen_at and started <= frozen_at and (ended is None or ended > frozen_at):
            then_units.setdefault(voter_id, set()).add(unit_id)
    sizes = _sizes(kinds)
    found = set()
    for voter_id, (kind, still_developer) in kinds.items():
        now, then, size = len(now_units.get(voter_id, ())), len(then_units.get(voter_id, ())), sizes[voter_id]
        if kind == "developer":
            if still_developer and now == size:
                found.add(voter_id)
        elif now == size or (then == size and now >= 1):
            found.add(voter_id)
    return found


def _sizes(voter_ids) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for (voter_id,) in db.session.execute(select(VoteVoterUnit.voter_id).where(VoteVoterUnit.voter_id.in_(voter_ids))):
        sizes[voter_id] = sizes.get(voter_id, 0) + 1
    return sizes


def proxy_voter_ids(actor, vote: Vote) -> dict[int, int]:
    """Voter id → proxy id for the live proxies ``actor`` holds in this vote."""
    if vote.status not in AFTER_FREEZE or not policy.can(actor, "vote.proxy_hold"):
        return {}
    return dict(db.session.execute(select(VoteProxy.voter_id, VoteProxy.id).where(
        VoteProxy.vote_id == vote.id, VoteProxy.proxy_user_id == actor.id, VoteProxy.revoked_at.is_(None))).all())


def my_voters(actor, vote: Vote) -> list[dict]:
    """The voters whose ballot ``actor`` may cast: each with its units, area, whether it has voted, and whether
    ``actor`` holds it as a proxy."""
    if actor is None or vote.status == "draft":
        return []
    own = own_voter_ids(actor, vote)
    proxied = {v: p for v, p in proxy_voter_ids(actor, vote).items() if v not in own}
    ids = own | set(proxied)
    if not ids:
        return []
    voters: dict[int, dict] = {}
    for voter, code in db.session.execute(
            select(VoteVoter, VoteVoterUnit.unit_code).join(VoteVoterUnit, VoteVoterUnit.voter_id == VoteVoter.id)
            .where(VoteVoter.id.in_(ids)).order_by(VoteVoter.position, VoteVoterUnit.unit_code)):
        found = voters.setdefault(voter.id, {
            "voter_id": voter.id, "units": [], "area": tally.format_area(voter.area_centi), "kind": voter.kind,
            "voted": voter.voted, "channel": voter.channel, "voted_at": iso(voter.voted_at),
            "proxy": voter.id in proxied, "area_centi": voter.area_centi})
        found["units"].append(code)
    return list(voters.values())


def _pick(mine: list[dict], unit) -> dict:
    if unit is None or unit == "":
        if len(mine) > 1:
            raise Invalid(_("You own units in more than one voting group: say which unit you vote for."),
                          field="unit")
        return mine[0]
    if not isinstance(unit, str):
        raise Invalid(_("Name a unit such as 3-2-1201."), field="unit")
    for voter in mine:
        if unit.strip() in voter["units"]:
            return voter
    raise Denied(_("You may not vote for this unit."))


# ---- what a ballot answers ------------------------------------------------------------------------

def _choice(value, field="choice") -> str:
    if value not in tally.CHOICES:
        raise Invalid(_("Choose yes, no or abstain."), field=field)
    return value


def items_of(vote: Vote) -> list[tuple[VoteItem, list[int]]]:
    items = list(db.session.scalars(select(VoteItem).where(VoteItem.vote_id == vote.id).order_by(VoteItem.position)))
    candidates: dict[int, list[int]] = {}
    for item_id, cid in db.session.execute(select(VoteCandidate.item_id, VoteCandidate.id).where(
            VoteCandidate.vote_id == vote.id).order_by(VoteCandidate.position)):
        candidates.setdefault(item_id, []).append(cid)
    return [(item, candidates.get(item.id, [])) for item in items]


def answers(vote: Vote, choice=None, choices=None) -> dict[int, str | list[int]]:
    """Item id → the choice (a motion) or the sorted candidate ids marked (an election); every item answered."""
    items = items_of(vote)
    if choices is None and not vote.multi:
        return {items[0][0].id: _choice(choice)}
    if not isinstance(choices, dict):
        raise Invalid(_("Answer every item of the ballot."), field="choices")
    known = {str(item.id) for item, _c in items}
    for key in choices:
        if key not in known:
            raise Invalid(_("This ballot has no such item."), field=f"choices.{key}")
    found: dict[int, str | list[int]] = {}
    for item, candidate_ids in items:
        field = f"choices.{item.id}"
        if str(item.id) not in choices:
            raise Invalid(_("Answer every item of the ballot."), field=field)
        value = choices[str(item.id)]
        if item.kind == "motion":
            found[item.id] = _choice(value, field)
            continue
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value) \
                or len(set(value)) != len(value) or not set(value) <= set(candidate_ids):
            raise Invalid(_("Mark candidates of this election, each once."), field=field)
        if len(value) > item.seats:
            raise Invalid(_("Mark at most %(seats)s candidates.", seats=item.seats), field=field)
        found[item.id] = sorted(value)
    return found


# ---- counting -------------------------------------------------------------------------------------

def _apply(vote: Vote, found: dict, area: int, sign: int = 1) -> None:
    """Add (or, with ``sign`` -1, take back) one ballot in every running total of the vote at once."""
    deltas: dict[str, dict[int, int]] = {f"{c}_{k}": {} for c in tally.CHOICES for k in ("persons", "area_centi")}
    for row_id, item_id, candidate_id in db.session.execute(select(
            VoteItemCount.id, VoteItemCount.item_id, VoteItemCount.candidate_id).where(
            VoteItemCount.vote_id == vote.id)):
        value = found.get(item_id)
        if isinstance(value, str) and candidate_id is None:
            column = value
        elif isinstance(value, list) and candidate_id is not None and candidate_id in value:
            column = "yes"
        elif value == [] and candidate_id is None:
            column = "abstain"
        else:
            continue
        deltas[f"{column}_persons"][row_id] = sign
        deltas[f"{column}_area_centi"][row_id] = sign * area
    db.session.execute(update(VoteItemCount).where(VoteItemCount.vote_id == vote.id).values(**{
        name: getattr(VoteItemCount, name) + (case(values, value=VoteItemCount.id, else_=0) if values else 0)
        for name, values in deltas.items()}).execution_options(synchronize_session=False))
    if not vote.multi:
        choice = next(iter(found.values()))
        db.session.execute(update(VoteCount).where(VoteCount.vote_id == vote.id).values(**{
            f"{c}_persons": getattr(VoteCount, f"{c}_persons") + (sign if c == choice else 0)
            for c in tally.CHOICES} | {
            f"{c}_area_centi": getattr(VoteCount, f"{c}_area_centi") + (sign * area if c == choice else 0)
            for c in tally.CHOICES}).execution_options(synchronize_session=False))


def record(vote: Vote, voter_id: int, area: int, found: dict, *, channel: str, by, by_proxy: bool = False,
           replace_paper: dict | None = None) -> str | None:
    """Count one ballot and answer its receipt, or None (with nothing written) if the voter has voted.
    ``replace_paper`` holds the answers of a counted paper ballot this online ballot replaces. The caller
    commits."""
    condition = VoteVoter.voted.is_(True) & (VoteVoter.channel == "paper") if replace_paper is not None \
        else VoteVoter.voted.is_(False)
    open_choice = None if vote.secret or vote.multi else next(iter(found.values()))
    marked = db.session.execute(
        update(VoteVoter).where(VoteVoter.id == voter_id, VoteVoter.vote_id == vote.id, condition)
        .values(voted=True, voted_at=utcnow(), channel=channel, cast_by_id=by.id, by_proxy=by_proxy,
                choice=open_choice, choices=None if vote.secret or not vote.multi else dumps(
                    {str(k): v for k, v in found.items()}))
        .execution_options(synchronize_session=False))
    if marked.rowcount != 1:
        return None
    # Taking the vote's row here serialises ballots with closing: none slips in after the count.
    added = 0 if replace_paper is not None else 1
    running = db.session.execute(
        update(Vote).where(Vote.id == vote.id, Vote.status == "open")
        .values(persons_participating=Vote.persons_participating + added,
                area_participating_centi=Vote.area_participating_centi + area * added)
        .execution_options(synchronize_session=False))
    if running.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This vote is not open for ballots."))
    if replace_paper is not None:
        _apply(vote, replace_paper, area, -1)
    _apply(vote, found, area)
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    db.session.add(VoteReceipt(receipt_id=_receipt_id(vote.id, code), vote_id=vote.id,
                               seal=_seal(vote.id, code, _sealed(vote, found))))
    return format_receipt(code)


def _sealed(vote: Vote, found: dict) -> str:
    return next(iter(found.values())) if not vote.multi else dumps({str(k): v for k, v in found.items()})


def cast(actor, vote_id: int, choice=None, unit=None, *, choices=None) -> tuple[str, dict]:
    """An online ballot, by an owner or a proxy holder: answer the receipt and the voter it was cast for."""
    vote = find(actor, vote_id)
    if vote.status != "open":
        if not policy.can(actor, "vote.cast") and not proxy_voter_ids(actor, vote):
            policy.require(actor, "vote.cast")
        raise Conflict(_("This vote is not open for ballots."))
    mine = my_voters(actor, vote)
    if not mine:
        policy.require(actor, "vote.cast")
        raise Denied(_("Only owners on this vote's roster may vote."))
    found = answers(vote, choice, choices)
    voter = _pick(mine, unit)
    receipt = record(vote, voter["voter_id"], voter["area_centi"], found, channel="online", by=actor,
                     by_proxy=voter["proxy"])
    if receipt is None and vote.paper_precedence == "online" and voter["channel"] == "paper" and not voter["proxy"]:
        receipt = _replace_paper(vote, voter, found, actor)
    if receipt is None:
        raise Conflict(_("The ballot for these units has already been cast."))
    db.session.commit()
    return receipt, voter


def _replace_paper(vote: Vote, voter: dict, found: dict, actor) -> str | None:
    paper = db.session.scalar(select(PaperBallot).where(
        PaperBallot.voter_id == voter["voter_id"], PaperBallot.status == "counted"))
    if paper is None or paper.choices is None:
        return None
    receipt = record(vote, voter["voter_id"], voter["area_centi"], found, channel="online", by=actor,
                     replace_paper={int(k): v for k, v in loads(paper.choices).items()})
    if receipt is not None:
        paper.status = "superseded"
        paper.choices = None if vote.secret else paper.choices
    return receipt


def _receipt_id(vote_id: int, code: str) -> str:
    return hashlib.sha256(f"{vote_id}:{code}".encode()).hexdigest()


def _seal(vote_id: int, code: str, choice: str) -> str:
    return hmac.new(code.encode(), f"{vote_id}:{choice}".encode(), hashlib.sha256).hexdigest()


def format_receipt(code: str) -> str:
    return "-".join(code[i:i + 5] for i in range(0, len(code), 5))


def normalize_receipt(raw) -> str | None:
    if not isinstance(raw, str):
        return None
    code = raw.upper().replace("-", "").replace(" ", "").translate(_RECEIPT_FIXES)
    if len(code) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        return None
    return code


def verify_receipt(actor, vote_id: int, raw, claimed=None) -> str | dict | None:
    """The choice a receipt was counted with: only its holder can learn it, since it is sealed by the code. A
    ballot of several items can only be checked against the answers its holder ``claimed``."""
    vote = find(actor, vote_id)
    code = normalize_receipt(raw)
    row = db.session.get(VoteReceipt, _receipt_id(vote.id, code)) if code else None
    if row is None or row.vote_id != vote.id:
        raise NotFound(_("No ballot was counted with this receipt."))
    candidates = tally.CHOICES if not vote.multi else ()
    for choice in candidates:
        if hmac.compare_digest(_seal(vote.id, code, choice), row.seal):
            return choice
    if vote.multi:
        if claimed is None:
            return None
        try:
            sealed = _sealed(vote, answers(vote, choices=claimed))
        except Invalid:
            sealed = ""
        if hmac.compare_digest(_seal(vote.id, code, sealed), row.seal):
            return claimed
    raise NotFound(_("No ballot was counted with this receipt."))
