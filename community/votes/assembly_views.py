"""The phone pages of the owners' assembly: drafting a ballot of several items, announcing, finalising, a
ballot of several items, proxies, objections and answers, confirming paper ballots, and the printed papers."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_timezone

from ..accounts.forms import ActionForm
from ..core import policy
from ..core.errors import AppError
from ..core.i18n import gettext as _
from ..core.web import actor, attach_error, attempt, login_required
from ..extensions import db
from . import attachments, documents, services
from .forms import AssemblyForm, ObjectionForm, ProxyForm
from .views import RECEIPT_KEY, _page, _step, bp, choice_label


def item_choices(items: list[dict], form) -> dict:
    """The answers a ballot form sent, item by item, as the API takes them."""
    found = {}
    for item in items:
        name = f"item-{item['id']}"
        if item["kind"] == "motion":
            found[str(item["id"])] = form.get(name)
        else:
            found[str(item["id"])] = [int(v) for v in form.getlist(name) if v.isdigit()]
    return found


def _back(vote_id: int, anchor: str | None = None):
    return redirect(url_for("votes.show", vote_id=vote_id, _anchor=anchor))


def _run(vote_id: int, call, done: str, anchor: str | None = None):
    """A committee or owner step from a page: CSRF-checked, the service's refusal shown as a message."""
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(call, done)
    return _back(vote_id, anchor)


@bp.route("/votes/new-assembly", methods=["GET", "POST"])
@login_required
def new_assembly():
    policy.require(actor(), "vote.create")
    form = AssemblyForm()
    if form.validate_on_submit():
        try:
            vote = services.create(actor(), form.to_data(ZoneInfo(str(get_timezone()))))
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("The draft is saved. Owners see it once you announce it."))
            return redirect(url_for("votes.show", vote_id=vote.id))
    return render_template("votes/assembly_form.html", form=form)


@bp.post("/votes/<int:vote_id>/announce")
@login_required
def announce(vote_id: int):
    return _step(vote_id, services.announce,
                 _("The vote is announced: the electorate is frozen and published, and owners are notified."))


@bp.post("/votes/<int:vote_id>/extend")
@login_required
def extend(vote_id: int):
    policy.require(actor(), "vote.manage")
    raw = request.form.get("closes_at") or ""
    try:
        local = datetime.strptime(raw, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo(str(get_timezone())))
    except ValueError:
        local = None
    return _run(vote_id, lambda: services.extend(actor(), vote_id, local),
                _("The deadline is extended; owners who have not voted are told."), "committee")


@bp.post("/votes/<int:vote_id>/finalize")
@login_required
def finalize(vote_id: int):
    return _step(vote_id, services.finalize, _("The result is final and published."))


@bp.post("/votes/<int:vote_id>/ballot/items")
@login_required
def cast_items(vote_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    me = actor()
    vote = services.get(me, vote_id)
    choices = item_choices(services.serialize_items(vote), request.form)
    try:
        receipt, voter = services.cast(me, vote_id, unit=request.form.get("unit") or None, choices=choices)
    except AppError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return _back(vote_id, "ballot")
    # Shown once, on this very response: the answers of a (perhaps secret) ballot never go into a cookie.
    session[RECEIPT_KEY] = {"vote": vote_id, "code": receipt, "units": voter["units"]}
    return _page(vote_id, receipt_choices=answered(services.serialize_items(vote), choices))


def answered(items: list[dict], choices: dict) -> list[str]:
    """Each item's title and the answer the ballot gave it, as the receipt repeats them."""
    lines = []
    for item in items:
        given = choices.get(str(item["id"]))
        if item["kind"] == "motion":
            words = choice_label(given) if given else _("no answer")
        else:
            names = [c["name"] for c in item.get("candidates", []) if c["id"] in (given or [])]
            words = ", ".join(names) or _("no candidate marked")
        lines.append(f"{item['title']}: {words}")
    return lines


@bp.post("/votes/<int:vote_id>/proxies")
@login_required
def appoint_proxy(vote_id: int):
    form = ProxyForm()
    if not form.validate_on_submit():
        flash(_("Give the unit, the proxy's phone number and the written authorisation."), "error")
        return _back(vote_id, "proxies")
    attempt(lambda: services.appoint_proxy(actor(), vote_id, {"unit": form.unit.data, "proxy_phone": form.phone.data,
                                                              "evidence": form.evidence.data}),
            _("The proxy is recorded. It can be revoked until the ballot is cast."))
    return _back(vote_id, "proxies")


@bp.post("/votes/<int:vote_id>/proxies/<int:proxy_id>/revoke")
@login_required
def revoke_proxy(vote_id: int, proxy_id: int):
    return _run(vote_id, lambda: services.revoke_proxy(actor(), vote_id, proxy_id), _("The proxy is revoked."),
                "proxies")


@bp.post("/votes/<int:vote_id>/objections")
@login_required
def object_to(vote_id: int):
    form = ObjectionForm()
    if not form.validate_on_submit():
        flash(_("Say what you object to."), "error")
        return _back(vote_id, "objections")
    attempt(lambda: services.object_to(actor(), vote_id, form.text.data),
            _("Your objection is recorded; the committee will answer it before the result is final."))
    return _back(vote_id, "objections")


@bp.post("/votes/<int:vote_id>/objections/<int:objection_id>/answer")
@login_required
def answer_objection(vote_id: int, objection_id: int):
    policy.require(actor(), "vote.manage")
    form = ObjectionForm()
    if not form.validate_on_submit():
        flash(_("Write the committee's answer."), "error")
        return _back(vote_id, "objections")
    attempt(lambda: services.answer_objection(actor(), vote_id, objection_id, form.text.data),
            _("The answer is published."))
    return _back(vote_id, "objections")


@bp.post("/votes/<int:vote_id>/paper/<int:paper_id>/confirm")
@login_required
def confirm_paper(vote_id: int, paper_id: int):
    policy.require(actor(), "vote.manage")
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        paper, _receipt = services.confirm_paper(actor(), vote_id, paper_id, {"serial": request.form.get("serial")})
    except AppError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        flash(_("Confirmed: counted.") if paper.status == "counted"
              else _("Confirmed, but the owners had voted already: kept as a conflict, not counted."))
    return redirect(url_for("votes.paper", vote_id=vote_id, _anchor=f"paper-{paper_id}"))


@bp.post("/votes/<int:vote_id>/documents")
@login_required
def attach_document(vote_id: int):
    policy.require(actor(), "vote.manage")
    if not ActionForm().validate_on_submit():
        abort(400)
    from ..assembly import files
    content, name = files.read_upload(request.files.get("file"))
    if not attempt(lambda: attachments.attach(actor(), vote_id, content, name, request.form.get("supersedes")),
                   _("The document is attached.")):
        db.session.rollback()
    return _back(vote_id, "documents")


@bp.post("/votes/<int:vote_id>/documents/<int:file_id>/remove")
@login_required
def remove_document(vote_id: int, file_id: int):
    policy.require(actor(), "vote.manage")
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: attachments.remove(actor(), vote_id, file_id), _("The document is removed from the draft."))
    return _back(vote_id, "documents")


def _pdf(name: str, pdf: bytes) -> Response:
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.get("/votes/<int:vote_id>/announcement.pdf")
@login_required
def announcement_pdf(vote_id: int):
    return _pdf(f"vote-{vote_id}-announcement.pdf", documents.announcement(actor(), vote_id))


@bp.get("/votes/<int:vote_id>/ballot-papers.pdf")
@login_required
def ballot_papers_pdf(vote_id: int):
    return _pdf(f"vote-{vote_id}-ballot-papers.pdf", documents.ballot_papers(actor(), vote_id))


@bp.get("/votes/<int:vote_id>/result.pdf")
@login_required
def result_pdf(vote_id: int):
    return _pdf(f"vote-{vote_id}-result.pdf", documents.result_notice(actor(), vote_id))


def page_extras(vote, data: dict) -> dict:
    """What the vote page adds for an assembly: the forms, the objections and the proxies the viewer may see."""
    me = actor()
    extras = {"proxy_form": ProxyForm(formdata=None), "objection_form": ObjectionForm(formdata=None),
              "objections": [], "proxies": []}
    if vote.status in ("closed", "final"):
        extras["objections"] = [services.serialize_objection(o, me) for o in services.objections(me, vote.id)]
    if vote.status != "draft":
        extras["proxies"] = [services.serialize_proxy(p) for p in services.proxies(me, vote.id)]
    extras["own_units"] = [u for v in data["my_voters"] if not v["proxy"] for u in v["units"]]
    extras["by_building"] = services.turnout(me, vote.id) \
        if vote.status == "open" and policy.can(me, "vote.manage") else []
    return extras

