"""The phone pages of the maintenance fund, thin over the same services as the API."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from ..core import policy
from ..core.errors import AppError, Invalid, whole_number
from ..core.i18n import gettext as _
from ..core.web import actor, attempt, login_required
from . import applications, disclosures, income, ledger, statements

bp = Blueprint("fund", __name__, url_prefix="/fund")


@bp.context_processor
def labels() -> dict:
    return {"fund_labels": {
        "kind": {"opening": _("Opening balance"), "deposit": _("Deposit"), "interest": _("Interest share"),
                 "charge": _("Use charged"), "income": _("Common income transferred"), "reversal": _("Reversal")},
        "status": {"draft": _("Draft"), "site_checked": _("Site checked"), "published": _("Hearing"),
                   "reviewed": _("Reviewed by the committee"), "approved": _("Approved"),
                   "filed": _("Filed"), "in_progress": _("Work in progress"), "accepted": _("Accepted"),
                   "settled": _("Settled")},
        "emergency": {"lift": _("Lift endangering people"), "water": _("Water supply failed"),
                      "fire": _("Fire-system fault"), "roof": _("Roof or façade leaking"),
                      "basement": _("Basement flooded")},
    }}


def _confirmed() -> None:
    if request.form.get("confirm") != "1":
        raise Invalid(_("Tick the box to confirm."), field="confirm")


@bp.get("/")
@login_required
def overview():
    me = actor()
    units = [{"unit": u.code, "building": u.building.code, "balance": ledger.format_money(ledger.unit_balance(u.id))}
             for u in ledger.my_units(me)]
    return render_template("fund/overview.html", totals=ledger.totals(me), units=units,
                           can_post=policy.can(me, "fund.post"), can_all=policy.can(me, "fund.ledger_all"))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_opening():
    me = actor()
    policy.require(me, "fund.post")
    error = None
    if request.method == "POST":
        try:
            _confirmed()
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                raise Invalid(_("Choose a CSV file."), field="file")
            done = ledger.import_opening(me, ledger.parse_opening_csv(upload.read()))
            flash(_("Imported %(n)s opening balances, %(total)s in all.", n=done["imported"], total=done["total"]),
                  "success")
            return redirect(url_for("fund.overview"))
        except AppError as caught:
            error = caught
    return render_template("fund/import.html", error=error), 400 if error else 200


@bp.post("/batches/<int:batch_id>/reverse")
@login_required
def reverse(batch_id: int):
    def write():
        _confirmed()
        ledger.reverse(actor(), batch_id, request.form.get("reason"))
    attempt(write, _("Reversed: every unit's balance is restored."))
    return redirect(url_for("fund.batches"))


@bp.get("/batches")
@login_required
def batches():
    me = actor()
    return render_template("fund/batches.html", items=ledger.batches(me, limit=100),
                           can_post=policy.can(me, "fund.post"))


@bp.get("/units/<code>")
@login_required
def unit(code: str):
    return render_template("fund/unit.html", account=ledger.unit_ledger(actor(), code, before=whole_number(
        request.args.get("before", "")), limit=50))


def _year():
    return whole_number(request.args.get("year", ""))


@bp.get("/units/<code>/statement.pdf")
@login_required
def unit_pdf(code: str):
    s = statements.unit_statement(actor(), code, _year())
    return Response(statements.pdf(s), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="fund-{s["unit"]}-{s["year"]}.pdf"'})


@bp.get("/buildings/<code>/statement.pdf")
@login_required
def building_pdf(code: str):
    s = statements.building_statement(actor(), code, _year())
    return Response(statements.pdf(s), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="fund-building-{s["building"]}.pdf"'})


@bp.get("/statement.pdf")
@login_required
def estate_pdf():
    s = statements.estate_statement(actor(), _year())
    return Response(statements.pdf(s), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="fund-estate-{s["year"]}.pdf"'})


# ---- applications ----------------------------------------------------------------------------------

@bp.get("/applications")
@login_required
def application_list():
    me = actor()
    items = [applications.serialize(a, me, full=False) for a in applications.list_applications(me, limit=100)]
    return render_template("fund/applications.html", items=items, can_apply=policy.can(me, "fund.apply"))


@bp.route("/applications/new", methods=["GET", "POST"])
@login_required
def application_new():
    me = actor()
    policy.require(me, "fund.apply")
    error = None
    form = request.form
    if request.method == "POST":
        codes = [c.strip() for c in form.get("units", "").replace("，", ",").split(",") if c.strip()]
        data = {k: form.get(k) for k in ("title", "facility", "project", "quotes", "budget")}
        data.update(emergency=form.get("emergency") == "1", emergency_kind=form.get("emergency_kind") or None)
        if codes:
            data["units"] = codes
        elif form.get("building", "").strip():
            data["building"] = form["building"].strip()
        try:
            found = applications.draft(me, data)
            flash(_("Draft saved. Every unit's share is shown below."), "success")
            return redirect(url_for("fund.application", application_id=found.id))
        except AppError as caught:
            error = caught
    return render_template("fund/application_form.html", error=error, form=form), 400 if error else 200


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    me = actor()
    return render_template("fund/application.html", a=applications.serialize(applications.get(me, application_id), me))


IRREVERSIBLE = ("approve", "settle")


@bp.post("/applications/<int:application_id>/<step>")
@login_required
def application_step(application_id: int, step: str):
    from .api import STEPS
    me = actor()
    if step not in STEPS:
        return redirect(url_for("fund.application", application_id=application_id))
    form = request.form
    data = {k: form.get(k) for k in ("note", "reference", "date", "amount", "invoices") if form.get(k) is not None}
    if form.get("vote_id"):
        data["vote_id"] = whole_number(form["vote_id"])
    def write():
        if step in IRREVERSIBLE:
            _confirmed()
        STEPS[step](me, application_id, data)
    attempt(write, _("Done."))
    return redirect(url_for("fund.application", application_id=application_id))


# ---- income, disclosures, requests -----------------------------------------------------------------

@bp.get("/income")
@login_required
def income_page():
    me = actor()
    return render_template("fund/income.html", summary=income.summary(me),
                           contracts=[income.serialize_contract(c) for c in income.contracts(me)],
                           entries=income.entries(me, limit=50))


@bp.post("/income/<any('contract', 'entry', 'transfer'):what>")
@login_required
def income_write(what: str):
    me, form = actor(), request.form
    def write():
        if what == "contract":
            income.create_contract(me, {k: form.get(k) for k in ("common_part", "payer", "amount", "starts_on",
                                                                  "ends_on")})
        elif what == "entry":
            income.record(me, {"kind": form.get("kind"), "amount": form.get("amount"), "memo": form.get("memo"),
                               "contract_id": whole_number(form.get("contract_id", ""))})
        else:
            _confirmed()
            income.transfer(me, form.get("amount"), form.get("memo"))
    attempt(write, _("Recorded."))
    return redirect(url_for("fund.income_page"))


@bp.post("/interest")
@login_required
def interest():
    attempt(lambda: ledger.interest(actor(), request.form.get("amount"), request.form.get("memo"),
                                    request.form.get("building") or None), _("Recorded."))
    return redirect(url_for("fund.batches"))


@bp.get("/disclosures")
@login_required
def disclosure_page():
    me = actor()
    mine = policy.can(me, "fund.request") or policy.can(me, "fund.requests_all")
    return render_template("fund/disclosures.html", items=disclosures.items(me),
                           requests=disclosures.requests(me) if mine else [],
                           can_request=policy.can(me, "fund.request"),
                           can_publish=policy.can(me, "disclosure.publish"),
                           my_units=[u.code for u in ledger.my_units(me)])


@bp.post("/disclosures/<topic>")
@login_required
def disclosure_publish(topic: str):
    attempt(lambda: disclosures.publish(actor(), topic, request.form.get("summary")), _("Published."))
    return redirect(url_for("fund.disclosure_page"))


@bp.post("/requests")
@login_required
def request_file():
    attempt(lambda: disclosures.file_request(actor(), request.form.get("kind"), request.form.get("question"),
                                             request.form.get("unit") or None),
            _("Sent. The property company answers within the due date shown."))
    return redirect(url_for("fund.disclosure_page"))


@bp.post("/requests/<int:request_id>/answer")
@login_required
def request_answer(request_id: int):
    attempt(lambda: disclosures.answer(actor(), request_id, request.form.get("answer")), _("Answered."))
    return redirect(url_for("fund.disclosure_page"))
