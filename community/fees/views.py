"""The phone pages of the fees: an owner's bills, the staff's unit ledger, register and items, the figures."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from ..accounts.forms import ActionForm
from ..core import policy
from ..core.errors import Invalid, whole_number
from ..core.i18n import gettext as _
from ..core.i18n import per_language
from ..core.web import actor, attempt, login_required
from . import claims, reports, services

bp = Blueprint("fees", __name__, url_prefix="/fees")
REGISTER_PAGE = 100  # units per page of the register, largest debts first


@bp.app_context_processor
def _fee_labels() -> dict:
    return {"fee_labels": fee_labels()}


@per_language
def fee_labels() -> dict:
    return {
        "basis": {"area": _("per m² per month"), "unit": _("per unit per month"),
                  "space": _("per parking space per month")},
        "channel": {"cash": _("Cash"), "transfer": _("Bank transfer"), "card": _("Card at the desk"),
                    "online": _("Online channel"), "app": _("In the app"), "handed": _("Handed over"),
                    "posted": _("Posted"), "phone": _("Phone call")},
        "step": {"notice": _("In-app notice"), "letter": _("Printed letter"), "phone": _("Phone call"),
                 "demand": _("Formal demand")},
        "status": {"paid": _("Paid"), "open": _("Not yet due"), "overdue": _("Overdue")},
        "kind": {"adjustment": _("Adjustment"), "waiver": _("Waiver")},
        "claim": {"pending": _("Waiting for staff"), "confirmed": _("Confirmed"), "rejected": _("Rejected")},
    }


def _checked() -> bool:
    if not ActionForm().validate_on_submit():
        flash(_("The form expired or was sent from elsewhere; please try again."), "error")
        return False
    return True


@bp.get("/")
@login_required
def hub():
    me = actor()
    policy.require_member(me)
    staff = policy.can(me, "fees.manage")
    return render_template("fees/hub.html", units=reports.my_units(me), staff=staff,
                           items=services.items() if staff else [], form=ActionForm(),
                           claims=claims.listing(me) if staff else [],
                           can_figures=policy.can(me, "fees.figures"))


@bp.post("/items")
@login_required
def create_item():
    if _checked():
        data = {k: request.form.get(k, "") for k in ("name", "basis", "rate", "starts", "ends")}
        data["buildings"] = [b.strip() for b in request.form.get("buildings", "").split(",") if b.strip()]
        attempt(lambda: services.create_item(actor(), data), _("The fee item is saved."))
    return redirect(url_for("fees.hub"))


@bp.post("/generate")
@login_required
def generate():
    if _checked():
        outcome = {}

        def run():
            outcome.update(services.generate(actor(), request.form.get("period", "")))
        if attempt(run, _("Bills made.")):
            flash(_("%(created)d new bills for %(period)s; %(existing)d existed already.", **outcome))
    return redirect(url_for("fees.hub"))


@bp.get("/units")
@login_required
def find_unit():
    return redirect(url_for("fees.unit", code=request.args.get("code", "").strip() or "-"))


@bp.get("/units/<code>")
@login_required
def unit(code: str):
    s = reports.statement(actor(), code)
    return render_template("fees/unit.html", s=s, form=ActionForm(), demand_days=services.demand_days())


@bp.post("/units/<code>/payments")
@login_required
def pay(code: str):
    if _checked():
        data = {"unit": code, **{k: request.form.get(k, "") for k in ("amount", "channel", "reference", "payer")}}
        chosen = [n for n in map(whole_number, request.form.getlist("bills")) if n is not None]
        if chosen:
            data["bills"] = chosen
        made = {}

        def run():
            made["payment"], _written = services.record_payment(actor(), data)
        if attempt(run, _("Payment recorded.")):
            flash(_("Receipt no. %(no)s", no=made["payment"].receipt_no))
    return redirect(url_for("fees.unit", code=code))


@bp.post("/payments/<int:payment_id>/reverse")
@login_required
def reverse(payment_id: int):
    code = request.form.get("unit", "")
    if _checked():
        attempt(lambda: services.reverse_payment(actor(), payment_id, {"reason": request.form.get("reason")}),
                 _("The payment is reversed."))
    return redirect(url_for("fees.unit", code=code))


@bp.post("/units/<code>/adjust")
@login_required
def adjust(code: str):
    if _checked():
        data = {k: request.form.get(k) for k in ("kind", "amount", "reason")}
        bill_id = whole_number(request.form.get("bill", ""))
        attempt(lambda: services.adjust(actor(), bill_id, data), _("The bill is adjusted."))
    return redirect(url_for("fees.unit", code=code))


@bp.post("/units/<code>/remind")
@login_required
def remind(code: str):
    if _checked():
        data = {k: request.form.get(k) or None for k in ("step", "channel", "note", "proof", "deadline")}
        photo = request.files.get("photo")

        def run():
            if photo is not None and photo.filename:
                from ..boards import media
                data["proof_attachment_id"] = media.upload(actor(), photo.read()).id
            services.remind(actor(), code, data)
        attempt(run, _("The reminder is recorded."))
    return redirect(url_for("fees.unit", code=code))


@bp.get("/units/<code>/letter.pdf")
@login_required
def letter(code: str):
    from .pdf import letter_pdf
    policy.require(actor(), "fees.manage")
    s = reports.statement(actor(), code, mark_read=False)
    step = "demand" if request.args.get("step") == "demand" else "letter"
    demands = [r for r in s["reminders"] if r["step"] == "demand"]
    deadline = demands[-1]["deadline"] if demands else None
    return Response(letter_pdf(s, step, deadline, services.demand_days()), mimetype="application/pdf")


@bp.post("/bills/<int:bill_id>/dispute")
@login_required
def dispute(bill_id: int):
    code = request.form.get("unit", "")
    if _checked():
        ticket = whole_number(request.form.get("ticket_id", ""))
        data = {"text": request.form.get("text"), "ticket_id": ticket}
        attempt(lambda: services.open_dispute(actor(), bill_id, data),
                 _("Your dispute is filed; the bill is on hold until staff answer it."))
    return redirect(url_for("fees.unit", code=code))


@bp.post("/disputes/<int:dispute_id>/resolve")
@login_required
def resolve(dispute_id: int):
    code = request.form.get("unit", "")
    if _checked():
        attempt(lambda: services.resolve_dispute(actor(), dispute_id, {"reason": request.form.get("reason")}),
                 _("The dispute is resolved."))
    return redirect(url_for("fees.unit", code=code))


@bp.post("/units/<code>/claims")
@login_required
def claim(code: str):
    """An owner's transfer screenshot: stored (cleaned) like every upload, then handed to staff to confirm."""
    from ..boards import media
    if _checked():
        upload = request.files.get("screenshot")

        def run():
            if upload is None or not upload.filename:
                raise Invalid(_("Upload the screenshot of your transfer first."), field="attachment_id")
            claims.submit(actor(), code, {"amount": request.form.get("amount"),
                                          "reference": request.form.get("reference"),
                                          "note": request.form.get("note"),
                                          "attachment_id": media.upload(actor(), upload.read()).id})
        attempt(run, _("Sent to the property staff; they confirm it against the bank statement."))
    return redirect(url_for("fees.unit", code=code))


@bp.post("/claims/<int:claim_id>/<any(confirm, reject):decision>")
@login_required
def decide_claim(claim_id: int, decision: str):
    code = request.form.get("unit", "")
    if _checked():
        data = {"amount": request.form.get("amount") or None, "reason": request.form.get("reason")}
        call = claims.confirm if decision == "confirm" else claims.reject
        attempt(lambda: call(actor(), claim_id, data),
                 _("Confirmed: the payment is recorded.") if decision == "confirm" else _("The claim is rejected."))
    return redirect(url_for("fees.unit", code=code))


@bp.get("/payments/<int:payment_id>/receipt.pdf")
@login_required
def receipt(payment_id: int):
    from .pdf import receipt_pdf
    payment, data = reports.payment_for_receipt(actor(), payment_id)
    return Response(receipt_pdf(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="receipt-{payment.receipt_no}.pdf"'})


@bp.get("/register")
@login_required
def register():
    building = request.args.get("building") or None
    rows = reports.register(actor(), building=building)
    number = max(whole_number(request.args.get("page", "")) or 1, 1)
    shown = rows[(number - 1) * REGISTER_PAGE:number * REGISTER_PAGE]
    return render_template("fees/register.html", rows=shown, total=len(rows), building=building, page=number,
                           more=number * REGISTER_PAGE < len(rows))


def _year() -> int | None:
    year = whole_number(request.args.get("year", ""))
    if request.args.get("year") and year is None:
        raise Invalid(_("Expected a whole number."), field="year")
    return year


@bp.get("/figures")
@login_required
def figures():
    return render_template("fees/figures.html", f=reports.figures(actor(), year=_year()))


@bp.get("/figures.csv")
@login_required
def figures_csv():
    return Response(reports.figures_csv(actor(), year=_year()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="fees-figures.csv"'})
