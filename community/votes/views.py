"""The phone pages of owners' votes: the list, a vote with its turnout and ballot, the result, and the
committee's pages to draft, open, close and enter paper ballots."""

import math
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_timezone

from ..accounts.forms import ActionForm
from ..core import policy
from ..core.errors import AppError
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..core.web import actor, attach_error, login_required
from . import services, tally
from .forms import CHOICE_LABELS, MATTERS, BallotForm, PaperForm, ReceiptForm, ReviewForm, VoteForm

bp = Blueprint("votes", __name__)

RECEIPT_KEY = "vote_receipt"  # shown once, on the page the ballot redirects to


@bp.app_template_global()
def matter_name(matter: int) -> str:
    return str(MATTERS[matter])


@bp.app_template_global()
def choice_label(choice: str) -> str:
    return str(CHOICE_LABELS[choice])


def _needed(total: int) -> int:
    """The smallest whole number that is at least two thirds of ``total``."""
    return -(-total * 2 // 3)


def _turnout(vote) -> dict:
    persons_total, area_total = vote.persons_total or 0, vote.area_total_centi or 0
    return {
        "persons": vote.persons_participating, "persons_total": persons_total,
        "persons_needed": _needed(persons_total),
        "area": tally.format_area(vote.area_participating_centi), "area_centi": vote.area_participating_centi,
        "area_total": tally.format_area(area_total), "area_total_centi": area_total,
        "area_needed": tally.format_area(_needed(area_total)),
    }


def _page(vote_id: int, **extra):
    me = actor()
    vote = services.get(me, vote_id)
    data = services.serialize(vote, me)
    receipt = None
    kept = session.get(RECEIPT_KEY)
    if kept and kept.get("vote") == vote.id:
        receipt = session.pop(RECEIPT_KEY)
        receipt["choices"] = extra.pop("receipt_choices", None) or _recorded(me, vote, receipt["code"])
    errored = extra.pop("ballot_form", None)
    ballot_forms = []
    if vote.status == "open":
        for voter in data["my_voters"]:
            if not voter["voted"]:
                mine = errored is not None and errored.unit.data in voter["units"]
                ballot_forms.append((voter, errored if mine else BallotForm(formdata=None, unit=voter["units"][0])))
    from .assembly_views import page_extras
    extra |= page_extras(vote, data)
    early = vote.status == "open" and utcnow() < vote.closes_at  # days left, for the confirm sheet
    return render_template(
        "votes/vote.html", vote=data, turnout=_turnout(vote), receipt=receipt, ballot_forms=ballot_forms,
        closing_early=math.ceil((vote.closes_at - utcnow()) / timedelta(days=1)) if early else 0,
        receipt_form=extra.pop("receipt_form", None) or ReceiptForm(formdata=None), action=ActionForm(),
        poll_seconds=current_app.config.get("VOTES_POLL_SECONDS", 15), **extra)


def _recorded(me, vote, code: str) -> list[str]:
    """The choice a single-question ballot was counted with, read back from its seal by the receipt just
    issued: nothing of a secret ballot's choice is kept anywhere for this page."""
    if vote.multi:
        return []
    try:
        return [choice_label(services.verify_receipt(me, vote.id, code))]
    except AppError:
        return []


@bp.get("/votes")
@login_required
def index():
    votes = services.list_votes(actor(), limit=100)
    return render_template("votes/list.html", votes=[services.serialize_summary(v) for v in votes])


@bp.get("/votes/<int:vote_id>")
@login_required
def show(vote_id: int):
    return _page(vote_id)


@bp.post("/votes/<int:vote_id>/ballot")
@login_required
def cast(vote_id: int):
    form = BallotForm()
    if not form.validate_on_submit():
        return _page(vote_id, ballot_form=form), 400
    try:
        receipt, voter = services.cast(actor(), vote_id, form.choice.data, form.unit.data or None)
    except AppError as error:
        if error.status == 404:
            raise
        if error.field:
            attach_error(form, error)
            return _page(vote_id, ballot_form=form), error.status
        flash(error.message, "error")
        return redirect(url_for("votes.show", vote_id=vote_id))
    session[RECEIPT_KEY] = {"vote": vote_id, "code": receipt, "units": voter["units"]}
    return redirect(url_for("votes.show", vote_id=vote_id, _anchor="receipt"))


@bp.post("/votes/<int:vote_id>/receipt")
@login_required
def check_receipt(vote_id: int):
    """Answered on the page itself, never in an address or a cookie, so the choice is seen only here."""
    form = ReceiptForm()
    checked = None
    if form.validate_on_submit():
        try:
            checked = services.verify_receipt(actor(), vote_id, form.code.data)
        except AppError as error:
            if error.status != 404:
                raise
            form.code.errors = list(form.code.errors) + [error.message]
    return _page(vote_id, receipt_form=form, checked=checked)


@bp.get("/votes/<int:vote_id>/result")
@login_required
def result(vote_id: int):
    me = actor()
    vote = services.get(me, vote_id)
    if vote.status not in ("closed", "final"):
        flash(_("The result is published when the vote closes."))
        return redirect(url_for("votes.show", vote_id=vote_id))
    counts = tally.Counts(vote.yes_persons, vote.yes_area_centi, vote.no_persons, vote.no_area_centi,
                          vote.abstain_persons, vote.abstain_area_centi)
    checks = tally.checks(vote.matter, vote.persons_total, vote.area_total_centi, counts)
    ballots = [] if vote.secret else services.published_ballots(me, vote_id)
    return render_template("votes/result.html", vote=services.serialize(vote, me), turnout=_turnout(vote),
                           checks=checks, ballots=ballots, special=vote.matter in tally.SPECIAL_MATTERS)


@bp.get("/votes/<int:vote_id>/result.csv")
@login_required
def result_csv(vote_id: int):
    name, text = services.result_csv(actor(), vote_id)
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---- the committee ----------------------------------------------------------------------------------

def _vote_fields(form: VoteForm) -> dict:
    # zoneinfo, not the pytz zone Babel hands out: pytz's replace(tzinfo=) would apply local mean time (+8:06).
    local = form.closes_at.data.replace(tzinfo=ZoneInfo(str(get_timezone())))
    return {"title": form.title.data, "body": form.body.data, "matter": form.matter.data,
            "secret": bool(form.secret.data), "closes_at": local}


def _committee_only() -> None:
    policy.require(actor(), "vote.manage")


@bp.route("/votes/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(actor(), "vote.create")
    form = VoteForm()
    if form.validate_on_submit():
        try:
            vote = services.create(actor(), _vote_fields(form))
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("The draft is saved. Owners see it once you open it."))
            return redirect(url_for("votes.show", vote_id=vote.id))
    return render_template("votes/form.html", form=form, vote=None)


@bp.route("/votes/<int:vote_id>/edit", methods=["GET", "POST"])
@login_required
def edit(vote_id: int):
    _committee_only()
    vote = services.get(actor(), vote_id)
    if vote.status != "draft":
        flash(_("Only a draft can be edited."), "error")
        return redirect(url_for("votes.show", vote_id=vote_id))
    form = VoteForm()
    if not form.is_submitted():
        form.title.data, form.body.data, form.matter.data, form.secret.data = (
            vote.title, vote.body, vote.matter, vote.secret)
        form.closes_at.data = vote.closes_at.replace(tzinfo=UTC).astimezone(get_timezone()).replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            services.edit(actor(), vote_id, _vote_fields(form))
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("The draft is saved."))
            return redirect(url_for("votes.show", vote_id=vote_id))
    return render_template("votes/form.html", form=form, vote=services.serialize(vote, actor()))


def _step(vote_id: int, step, done: str, *args):
    _committee_only()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        step(actor(), vote_id, *args)
    except AppError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        flash(done)
    return redirect(url_for("votes.show", vote_id=vote_id))


@bp.post("/votes/<int:vote_id>/open")
@login_required
def open_vote(vote_id: int):
    return _step(vote_id, services.open_vote, _("The vote is open: the electorate is frozen from the roster."))


@bp.post("/votes/<int:vote_id>/close")
@login_required
def close(vote_id: int):
    return _step(vote_id, services.close, _("The vote is closed and counted: the result is preliminary until "
                                            "objections are answered."), request.form.get("reason"))


@bp.route("/votes/<int:vote_id>/paper", methods=["GET", "POST"])
@login_required
def paper(vote_id: int):
    _committee_only()
    vote = services.get(actor(), vote_id)
    form = PaperForm()
    if vote.multi:  # the answers come item by item, not in the single choice
        form.choice.validators, form.choice.validate_choice = [], False
    recorded = None
    if form.validate_on_submit():
        data = {"unit": form.unit.data, "evidence": form.evidence.data, "serial": form.serial.data}
        if vote.multi:
            from .assembly_views import item_choices
            data["choices"] = item_choices(services.serialize_items(vote), request.form)
        else:
            data["choice"] = form.choice.data
        try:
            found, receipt = services.record_paper(actor(), vote_id, data)
        except AppError as error:
            if error.field and error.field.startswith("choices"):
                form.evidence.errors = list(form.evidence.errors) + [error.message]
            else:
                attach_error(form, error)
        else:
            recorded = {"unit": found.unit_code, "status": found.status, "receipt": receipt}
            form = PaperForm(formdata=None)
    return render_template("votes/paper.html", vote=services.serialize(vote, actor()), form=form, recorded=recorded,
                           action=ActionForm(),
                           papers=[services.serialize_paper(p) for p in services.paper_ballots(actor(), vote_id)],
                           review_form=ReviewForm(formdata=None), turnout=_turnout(vote))


@bp.post("/votes/<int:vote_id>/paper/<int:paper_id>/review")
@login_required
def review(vote_id: int, paper_id: int):
    _committee_only()
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_conflict(actor(), vote_id, paper_id, form.note.data)
        except AppError as error:
            if error.status == 404:
                raise
            flash(error.message, "error")
        else:
            flash(_("The conflict is marked reviewed; the first ballot stays counted."))
    else:
        flash(_("Say what the committee found."), "error")
    return redirect(url_for("votes.paper", vote_id=vote_id, _anchor=f"paper-{paper_id}"))


from . import assembly_views, delivery_views  # noqa: E402,F401  (their routes join this blueprint)
