"""The fees API under /api/v1/fees: thin over the services."""

from flask import Response, jsonify, request, send_file

from ..core import policy
from ..core.http import actor, api_blueprint, int_arg, json_body
from ..core.timeutil import iso
from . import claims, reports, services
from .ledger import show

bp = api_blueprint("fees_api")


def item_json(item) -> dict:
    return {"id": item.id, "name": item.name, "basis": item.basis, "rate": show(item.rate_fen),
            "starts": item.starts, "ends": item.ends, "buildings": item.buildings, "units": item.units}


@bp.get("/fees/items")
def items():
    policy.require(actor(), "fees.manage")
    return jsonify({"items": [item_json(i) for i in services.items()], "next": None})


@bp.post("/fees/items")
def create_item():
    return jsonify(item_json(services.create_item(actor(), json_body()))), 201


@bp.post("/fees/items/<int:item_id>/end")
def end_item(item_id: int):
    return jsonify(item_json(services.end_item(actor(), item_id, json_body())))


@bp.post("/fees/bills/generate")
def generate():
    return jsonify(services.generate(actor(), json_body().get("period")))


@bp.get("/fees/me")
def mine():
    return jsonify({"items": reports.my_units(actor()), "next": None})


@bp.get("/fees/units/<code>")
def unit(code: str):
    return jsonify(reports.statement(actor(), code))


@bp.get("/fees/units/<code>/evidence")
def evidence(code: str):
    return jsonify(reports.evidence(actor(), code))


@bp.post("/fees/payments")
def record_payment():
    payment, written = services.record_payment(actor(), json_body())
    applied = sum(a["amount_fen"] for a in written)
    return jsonify({"id": payment.id, "receipt_no": payment.receipt_no, "amount": show(payment.amount_fen),
                    "allocations": [{"bill_id": a["bill_id"], "amount": show(a["amount_fen"])} for a in written],
                    "credit": show(payment.amount_fen - applied), "received_at": iso(payment.received_at)}), 201


@bp.post("/fees/payments/<int:payment_id>/reverse")
def reverse_payment(payment_id: int):
    row = services.reverse_payment(actor(), payment_id, json_body())
    return jsonify({"id": row.id, "receipt_no": row.receipt_no, "amount": show(row.amount_fen),
                    "reverses_id": row.reverses_id}), 201


@bp.get("/fees/payments/<int:payment_id>/receipt.pdf")
def receipt(payment_id: int):
    from .pdf import receipt_pdf
    payment, data = reports.payment_for_receipt(actor(), payment_id)
    return Response(receipt_pdf(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="receipt-{payment.receipt_no}.pdf"'})


@bp.post("/fees/bills/<int:bill_id>/adjustments")
def adjust(bill_id: int):
    row = services.adjust(actor(), bill_id, json_body())
    return jsonify({"id": row.id, "kind": row.kind, "amount": show(row.amount_fen), "reason": row.reason}), 201


@bp.post("/fees/adjustments/<int:adjustment_id>/reverse")
def reverse_adjustment(adjustment_id: int):
    row = services.reverse_adjustment(actor(), adjustment_id, json_body())
    return jsonify({"id": row.id, "amount": show(row.amount_fen), "reverses_id": row.reverses_id}), 201


@bp.post("/fees/bills/<int:bill_id>/disputes")
def dispute(bill_id: int):
    row = services.open_dispute(actor(), bill_id, json_body())
    return jsonify({"id": row.id, "bill_id": row.bill_id, "status": "open"}), 201


@bp.post("/fees/disputes/<int:dispute_id>/resolve")
def resolve(dispute_id: int):
    row = services.resolve_dispute(actor(), dispute_id, json_body())
    return jsonify({"id": row.id, "status": "resolved", "resolution": row.resolution})


@bp.post("/fees/units/<code>/reminders")
def remind(code: str):
    row = services.remind(actor(), code, json_body())
    return jsonify({"id": row.id, "step": row.step, "channel": row.channel, "amount": show(row.amount_fen),
                    "deadline": row.deadline.isoformat() if row.deadline else None, "at": iso(row.at)}), 201


@bp.get("/fees/arrears")
def arrears():
    rows = reports.register(actor(), building=request.args.get("building") or None)
    for row in rows:
        row.pop("overdue_fen")
    return jsonify({"items": rows, "next": None})


@bp.get("/fees/figures")
def figures():
    return jsonify(reports.figures(actor(), year=int_arg("year", None, minimum=2000, maximum=2100)))


@bp.get("/fees/figures.csv")
def figures_csv():
    body = reports.figures_csv(actor(), year=int_arg("year", None, minimum=2000, maximum=2100))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="fees.csv"'})


@bp.post("/fees/units/<code>/claims")
def claim(code: str):
    row = claims.submit(actor(), code, json_body())
    return jsonify(claims.serialize(row, code)), 201


@bp.get("/fees/claims")
def claim_list():
    return jsonify({"items": claims.listing(actor(), request.args.get("status", "pending") or None), "next": None})


@bp.post("/fees/claims/<int:claim_id>/confirm")
def confirm_claim(claim_id: int):
    return jsonify(claims.serialize(claims.confirm(actor(), claim_id, json_body())))


@bp.post("/fees/claims/<int:claim_id>/reject")
def reject_claim(claim_id: int):
    return jsonify(claims.serialize(claims.reject(actor(), claim_id, json_body())))


@bp.get("/fees/claims/<int:claim_id>/image")
def claim_image(claim_id: int):
    path, mime = claims.image(actor(), claim_id)
    return send_file(path, mimetype=mime, max_age=0)


@bp.get("/fees/reminders/<int:reminder_id>/proof")
def reminder_proof(reminder_id: int):
    path, mime = claims.proof_image(actor(), reminder_id)
    return send_file(path, mimetype=mime, max_age=0)
