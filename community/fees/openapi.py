"""The fees part of the OpenAPI document (imported by ``community.api.openapi.spec``)."""

from ..api.openapi import ERROR, LIST, _obj, _op, _path_id, _path_str

MONEY = {"type": "string", "example": "123.45"}
PERIOD = {"type": "string", "example": "2026-12"}
UNIT = [_path_str("code")]
YEAR = [{"name": "year", "in": "query", "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}]
ITEM = _obj(id="integer", name="string", basis={"enum": ["area", "unit", "space"]}, rate=MONEY, starts=PERIOD,
            ends=PERIOD, buildings={"type": "array", "items": {"type": "string"}}, units="object")
BILL = _obj(id="integer", period=PERIOD, description="string", amount=MONEY, rate=MONEY, quantity="string",
            adjusted=MONEY, paid=MONEY, outstanding=MONEY, due_on="string",
            status={"enum": ["paid", "open", "overdue"]}, disputed="boolean")
STATEMENT = _obj(unit="string", building="string", area="string", owing=MONEY, credit=MONEY, balance=MONEY,
                 overdue=MONEY, bills={"type": "array", "items": BILL},
                 payments={"type": "array", "items": _obj(id="integer", amount=MONEY, channel="string",
                                                           receipt_no="string", received_at="string",
                                                           reverses_id="integer", reversed="boolean")},
                 adjustments={"type": "array", "items": {"type": "object"}},
                 reminders={"type": "array", "items": {"type": "object"}}, can_manage="boolean",
                 can_dispute="boolean")
CLAIM = _obj(id="integer", unit="string", amount=MONEY, reference="string", note="string",
             status={"enum": ["pending", "confirmed", "rejected"]}, payment_id="integer", reason="string",
             created_at="string", decided_at="string", image="string")
RATE = _obj(billed=MONEY, paid=MONEY, rate={"type": ["string", "null"], "example": "91.3"}, target="integer",
            met={"type": ["boolean", "null"]})


def _pdf(summary: str, params: list) -> dict:
    return {"get": {"summary": summary, "tags": ["fees"], "parameters": params, "responses": {
        "200": {"description": "PDF", "content": {"application/pdf": {"schema": {"type": "string",
                                                                                  "format": "binary"}}}},
        **{str(s): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
           for s in (401, 404)}}}}


FEES_PATHS = {
    "/fees/items": {
        "get": _op("Fee items (staff)", tag="fees", result=LIST),
        "post": _op("Set a fee item from the service contract (staff, audited): rate in yuan per m² of exclusive "
                    "area, per unit or per parking space, per month; buildings or units it applies to", tag="fees",
                    ok=201, errors=(400,), result=ITEM,
                    body=_obj(name="string", basis={"enum": ["area", "unit", "space"]}, rate=MONEY, starts=PERIOD,
                              ends=PERIOD, buildings={"type": "array", "items": {"type": "string"}},
                              units={"type": "object", "additionalProperties": {"type": "integer"}}))},
    "/fees/items/{id}/end": {"post": _op("End a fee item after a month (staff, audited)", tag="fees",
                                         errors=(400, 404), params=[_path_id("id")], body=_obj(ends=PERIOD))},
    "/fees/bills/generate": {"post": _op(
        "Bill every unit for a period (staff, audited; also the scheduled job). Idempotent per unit, period and "
        "item; amounts are rate × area rounded half up to the fen per bill; credit is applied", tag="fees",
        errors=(400, 409), body=_obj(period=PERIOD),
        result=_obj(period=PERIOD, created="integer", existing="integer", credit_applied=MONEY))},
    "/fees/me": {"get": _op("The caller's own units (as owner of record) with bills, history and balance",
                            tag="fees", result=_obj(items={"type": "array", "items": STATEMENT}, next="null"))},
    "/fees/units/{code}": {"get": _op("A unit's bills, payments, adjustments, reminders and balance (staff, "
                                      "or an owner of record; 404 for anyone else)", tag="fees", errors=(404,),
                                      params=UNIT, result=STATEMENT)},
    "/fees/units/{code}/evidence": {"get": _op(
        "Evidence pack for arbitration or court: bills, payments, every reminder with its proof, disputes "
        "(staff, audited)", tag="fees", errors=(404,), params=UNIT)},
    "/fees/units/{code}/reminders": {"post": _op(
        "Record the next reminder step (staff, audited): notice (in-app, read receipt when the owner opens it) → "
        "letter (handed or posted, proof required) → phone (note required) → demand (formal written demand with "
        "a deadline at least the estate's days ahead, proof required). 409 out of order or with nothing overdue",
        tag="fees", ok=201, errors=(400, 409), params=UNIT,
        body=_obj(step={"enum": ["notice", "letter", "phone", "demand"]}, channel="string", note="string",
                  proof="string", proof_attachment_id="integer", deadline="string"))},
    "/fees/payments": {"post": _op(
        "Record a payment (staff, audited): allocated to the chosen bills, else oldest first; the rest is credit. "
        "Answers the receipt number", tag="fees", ok=201, errors=(400,),
        body=_obj(unit="string", amount=MONEY, channel={"enum": ["cash", "transfer", "card", "online"]},
                  reference="string", payer="string", bills={"type": "array", "items": {"type": "integer"}}),
        result=_obj(id="integer", receipt_no="string", amount=MONEY, credit=MONEY,
                    allocations={"type": "array", "items": _obj(bill_id="integer", amount=MONEY)}))},
    "/fees/payments/{id}/reverse": {"post": _op(
        "Reverse a payment with a reason (staff, audited): a negative entry with its own receipt number; the "
        "original stays. 409 when reversed already", tag="fees", ok=201, errors=(400, 404, 409),
        params=[_path_id("id")], body=_obj(reason="string"))},
    "/fees/payments/{id}/receipt.pdf": _pdf("The printable receipt (staff, or an owner of record)",
                                            [_path_id("id")]),
    "/fees/bills/{id}/adjustments": {"post": _op(
        "Adjust a bill by a signed amount, or waive what is outstanding, with a reason (staff, audited)",
        tag="fees", ok=201, errors=(400, 404, 409), params=[_path_id("id")],
        body=_obj(kind={"enum": ["adjustment", "waiver"]}, amount=MONEY, reason="string"))},
    "/fees/adjustments/{id}/reverse": {"post": _op("Reverse an adjustment with a reason (staff, audited)",
                                                   tag="fees", ok=201, errors=(400, 404, 409),
                                                   params=[_path_id("id")], body=_obj(reason="string"))},
    "/fees/bills/{id}/disputes": {"post": _op(
        "Dispute a bill (an owner of record), optionally linking a complaint or repair; 409 if already disputed",
        tag="fees", ok=201, errors=(400, 404, 409), params=[_path_id("id")],
        body=_obj(text="string", ticket_id="integer"))},
    "/fees/disputes/{id}/resolve": {"post": _op("Resolve a dispute with a reason (staff, audited)", tag="fees",
                                                errors=(400, 404, 409), params=[_path_id("id")],
                                                body=_obj(reason="string"))},
    "/fees/arrears": {"get": _op(
        "The arrears register (staff only): overdue amount, months and years owed, owners' names and phones, "
        "reminders, disputes and the unit's open complaints and repairs", tag="fees", result=LIST,
        params=[{"name": "building", "in": "query", "schema": {"type": "string"}}])},
    "/fees/figures": {"get": _op(
        "Collection figures (staff, committee): paid over billed by building and month against the target, the "
        "current period, the year, overdue by age band; never per unit", tag="fees", errors=(400,), params=YEAR,
        result=_obj(year="integer", target="integer", current=RATE, year_total=RATE,
                    monthly={"type": "array", "items": RATE}, by_building={"type": "array", "items": RATE},
                    overdue_by_age={"type": "array", "items": _obj(band="string", amount=MONEY, units="integer")}))},
    "/fees/figures.csv": {"get": {
        "summary": "The figures as CSV (UTF-8 with BOM), by building and month", "tags": ["fees"],
        "parameters": YEAR,
        "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                      **{str(s): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
                         for s in (400, 401, 403)}}}},
    "/fees/units/{code}/claims": {"post": _op(
        "Tell the staff of a bank transfer (an owner of record), with the screenshot uploaded first through "
        "/attachments; staff confirm it against the bank statement", tag="fees", ok=201, errors=(400, 404),
        params=UNIT, body=_obj(amount=MONEY, reference="string", note="string", attachment_id="integer"),
        result=CLAIM)},
    "/fees/claims": {"get": _op("Transfer claims (staff), pending by default", tag="fees", result=LIST,
                                params=[{"name": "status", "in": "query",
                                         "schema": {"enum": ["pending", "confirmed", "rejected"]}}])},
    "/fees/claims/{id}/confirm": {"post": _op(
        "Confirm a transfer claim (staff, audited): records the payment, oldest bills first, with its receipt; "
        "amount only when the bank statement differs", tag="fees", errors=(400, 404, 409),
        params=[_path_id("id")], body=_obj(amount=MONEY), result=CLAIM)},
    "/fees/claims/{id}/reject": {"post": _op("Reject a transfer claim with a reason (staff, audited)", tag="fees",
                                             errors=(400, 404, 409), params=[_path_id("id")],
                                             body=_obj(reason="string"), result=CLAIM)},
    "/fees/claims/{id}/image": {"get": {
        "summary": "The claim's screenshot (staff, or an owner of record)", "tags": ["fees"],
        "parameters": [_path_id("id")],
        "responses": {"200": {"description": "Image", "content": {"image/*": {"schema": {"type": "string",
                                                                                         "format": "binary"}}}},
                      **{str(s): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
                         for s in (401, 404)}}}},
    "/fees/reminders/{id}/proof": {"get": {
        "summary": "A reminder's proof-of-delivery photo (staff, or an owner of record)", "tags": ["fees"],
        "parameters": [_path_id("id")],
        "responses": {"200": {"description": "Image", "content": {"image/*": {"schema": {"type": "string",
                                                                                         "format": "binary"}}}},
                      **{str(s): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
                         for s in (401, 404)}}}},
}
