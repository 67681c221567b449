"""Printed papers of a vote, rendered by WeasyPrint from templates that share their parts with the pages, with
Noto Sans CJK SC embedded: the announcement (公告), one ballot paper per unit with its serial and a QR code of
it, and the result notice (items, thresholds, counts, elected candidates, objections and answers, the
electorate hash and the audit chain head)."""

import segno
from flask import render_template
from sqlalchemy import select

from ..audit.models import AuditEntry
from ..core import policy
from ..core.errors import Conflict
from ..core.i18n import gettext as _
from ..extensions import db
from . import paper, services, tally
from .models import VoteVoter, VoteVoterUnit


def _render(template: str, **context) -> bytes:
    from weasyprint import HTML  # imported late: it takes a moment and only documents need it
    return HTML(string=render_template(template, **context)).write_pdf()


def _context(actor, vote_id: int) -> tuple:
    vote = services.get(actor, vote_id)
    return vote, {"vote": services.serialize(vote, actor), "matter_names": True}


def announcement(actor, vote_id: int) -> bytes:
    vote, context = _context(actor, vote_id)
    if vote.status == "draft":
        raise Conflict(_("The announcement is printed once the vote is announced."))
    listing = services.electorate(actor, vote_id)
    return _render("votes/documents/announcement.html", listing=listing, **context)


def ballot_rows(vote) -> list[dict]:
    """One row per unit of the electorate: its code, area, voter's area and its paper's serial."""
    rows = db.session.execute(
        select(VoteVoterUnit.unit_code, VoteVoterUnit.area_centi, VoteVoter.area_centi)
        .join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id).where(VoteVoterUnit.vote_id == vote.id)
        .order_by(VoteVoterUnit.unit_code))
    return [{"unit": code, "area": tally.format_area(area), "voter_area": tally.format_area(voter_area),
             "serial": paper.serial_for(vote, code)} for code, area, voter_area in rows]


def qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=3, border=1)


def ballot_papers(actor, vote_id: int) -> bytes:
    policy.require(actor, "vote.manage")
    vote, context = _context(actor, vote_id)
    if vote.status not in ("announced", "open"):
        raise Conflict(_("Ballot papers are printed while the vote is announced or open."))
    rows = ballot_rows(vote)
    for row in rows:
        row["qr"] = qr_svg(row["serial"])
    return _render("votes/documents/ballot_papers.html", papers=rows, **context)


def result_notice(actor, vote_id: int) -> bytes:
    vote, context = _context(actor, vote_id)
    if vote.status not in ("closed", "final"):
        raise Conflict(_("The result is published when the vote closes."))
    head = db.session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    objections = [services.serialize_objection(o, None) for o in services.objections(actor, vote_id)]
    ballots = [] if vote.secret else services.published_ballots(actor, vote_id)
    return _render("votes/documents/result.html", objections=objections, ballots=ballots,
                   chain_head={"seq": head.seq, "hash": head.hash} if head else None, **context)
