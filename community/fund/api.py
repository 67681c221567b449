"""JSON under /api/v1/fund and /api/v1/income: thin over the services."""

from flask import Response, jsonify, request

from ..core.http import actor, api_blueprint, int_arg, json_body, requires
from . import applications, disclosures, income, ledger, statements

bp = api_blueprint("fund_api")


def _listing(items: list, limit: int, key="id") -> dict:
    return {"items": items, "next": items[-1][key] if len(items) == limit and items else None}


# ---- ledger ----------------------------------------------------------------------------------------

@bp.get("/fund/totals")
def totals():
    return jsonify(ledger.totals(actor()))


@bp.get("/fund/me")
def mine():
    me = actor()
    ledger.totals(me)
    return jsonify({"items": [{"unit": u.code, "building": u.building.code,
                               "balance": ledger.format_money(ledger.unit_balance(u.id))}
                              for u in ledger.my_units(me)], "next": None})


@bp.get("/fund/units/<code>/ledger")
def unit_ledger(code: str):
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    return jsonify(ledger.unit_ledger(actor(), code, before=int_arg("before"), limit=limit))


def _pdf(statement: dict, name: str) -> Response:
    return Response(statements.pdf(statement), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.get("/fund/units/<code>/statement.pdf")
def unit_statement(code: str):
    s = statements.unit_statement(actor(), code, int_arg("year", None, minimum=2000, maximum=2100))
    return _pdf(s, f"fund-{s['unit']}-{s['year']}.pdf")


@bp.get("/fund/buildings/<code>/statement.pdf")
def building_statement(code: str):
    s = statements.building_statement(actor(), code, int_arg("year", None, minimum=2000, maximum=2100))
    return _pdf(s, f"fund-building-{s['building']}-{s['year']}.pdf")


@bp.get("/fund/statement.pdf")
def estate_statement():
    s = statements.estate_statement(actor(), int_arg("year", None, minimum=2000, maximum=2100))
    return _pdf(s, f"fund-estate-{s['year']}.pdf")


def _settings_body(found) -> dict:
    return {"low_balance_percent": found.low_balance_percent, "disclosure_months": found.disclosure_months,
            "request_days": found.request_days}


@bp.get("/fund/settings")
def get_settings():
    ledger.totals(actor())
    return jsonify(_settings_body(ledger.settings()))


@bp.patch("/fund/settings")
@requires("fund.settings")
def set_settings():
    return jsonify(_settings_body(ledger.update_settings(actor(), json_body())))


@bp.post("/fund/opening-balances")
@requires("fund.post")
def opening():
    return jsonify(ledger.import_opening(actor(), json_body().get("rows"))), 201


@bp.post("/fund/deposits")
@requires("fund.post")
def deposits():
    data = json_body()
    batch = ledger.deposit(actor(), data.get("items"), data.get("memo"))
    return jsonify({"batch_id": batch.id, "total": ledger.format_money(batch.total_fen)}), 201


@bp.post("/fund/interest")
@requires("fund.post")
def interest():
    data = json_body()
    batch = ledger.interest(actor(), data.get("amount"), data.get("memo"), data.get("building"))
    return jsonify({"batch_id": batch.id, "total": ledger.format_money(batch.total_fen)}), 201


@bp.get("/fund/batches")
def batches():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    return jsonify(_listing(ledger.batches(actor(), before=int_arg("before"), limit=limit), limit))


@bp.post("/fund/batches/<int:batch_id>/reverse")
@requires("fund.post")
def reverse(batch_id: int):
    batch = ledger.reverse(actor(), batch_id, json_body().get("reason"))
    return jsonify({"batch_id": batch.id, "reverses": batch.reverses_id,
                    "total": ledger.format_money(batch.total_fen)}), 201


# ---- use applications ------------------------------------------------------------------------------

@bp.get("/fund/applications")
def application_list():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    me = actor()
    items = applications.list_applications(me, before=int_arg("before"), limit=limit)
    return jsonify(_listing([applications.serialize(a, me, full=False) for a in items], limit))


@bp.post("/fund/applications")
@requires("fund.apply")
def application_draft():
    me = actor()
    return jsonify(applications.serialize(applications.draft(me, json_body()), me)), 201


@bp.get("/fund/applications/<int:application_id>")
def application(application_id: int):
    me = actor()
    return jsonify(applications.serialize(applications.get(me, application_id), me))


STEPS = {
    "publish": lambda me, i, d: applications.publish(me, i, d.get("hearing_days", applications.HEARING_DAYS)),
    "review": lambda me, i, d: applications.review(me, i, d.get("note")),
    "site-check": lambda me, i, d: applications.site_check(me, i, d.get("note")),
    "approve": lambda me, i, d: applications.approve(me, i, d.get("vote_id")),
    "file": lambda me, i, d: applications.file(me, i, d.get("reference"), d.get("date")),
    "progress": lambda me, i, d: applications.progress(me, i, d.get("note"), d.get("photos")),
    "accept": lambda me, i, d: applications.accept(me, i, d.get("note")),
    "settle": lambda me, i, d: applications.settle(me, i, d.get("amount"), d.get("invoices")),
}


def _step_view(step: str):
    def view(application_id: int):
        me = actor()
        data = json_body() if request.get_data() else {}
        return jsonify(applications.serialize(STEPS[step](me, application_id, data), me))
    return view


for _name in STEPS:
    bp.add_url_rule(f"/fund/applications/<int:application_id>/{_name}", f"application_{_name.replace('-', '_')}",
                    _step_view(_name), methods=["POST"])


# ---- disclosures and owners' requests --------------------------------------------------------------

@bp.get("/fund/disclosures")
def disclosure_items():
    return jsonify({"items": disclosures.items(actor()), "next": None})


@bp.post("/fund/disclosures/<topic>")
@requires("disclosure.publish")
def disclosure_publish(topic: str):
    found = disclosures.publish(actor(), topic, json_body().get("summary"))
    return jsonify({"id": found.id, "topic": topic}), 201


@bp.get("/fund/requests")
def request_list():
    return jsonify({"items": disclosures.requests(actor()), "next": None})


@bp.post("/fund/requests")
@requires("fund.request")
def request_file():
    data = json_body()
    found = disclosures.file_request(actor(), data.get("kind"), data.get("question"), data.get("unit"))
    return jsonify({"id": found.id, "due_at": found.due_at.isoformat() + "Z"}), 201


@bp.post("/fund/requests/<int:request_id>/answer")
@requires("fund.answer")
def request_answer(request_id: int):
    found = disclosures.answer(actor(), request_id, json_body().get("answer"))
    return jsonify({"id": found.id, "answered": True})


# ---- common income ---------------------------------------------------------------------------------

@bp.get("/income/summary")
def income_summary():
    return jsonify(income.summary(actor()))


@bp.get("/income/contracts")
def income_contracts():
    return jsonify({"items": [income.serialize_contract(c) for c in income.contracts(actor())], "next": None})


@bp.post("/income/contracts")
@requires("income.manage")
def income_contract():
    return jsonify(income.serialize_contract(income.create_contract(actor(), json_body()))), 201


@bp.get("/income/entries")
def income_entries():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    return jsonify(_listing(income.entries(actor(), before=int_arg("before"), limit=limit), limit))


@bp.post("/income/entries")
@requires("income.manage")
def income_record():
    found = income.record(actor(), json_body())
    return jsonify({"id": found.id, "amount": ledger.format_money(found.amount_fen)}), 201


@bp.post("/income/entries/<int:entry_id>/reverse")
@requires("income.manage")
def income_reverse(entry_id: int):
    found = income.reverse(actor(), entry_id, json_body().get("reason"))
    return jsonify({"id": found.id, "amount": ledger.format_money(found.amount_fen)}), 201


@bp.post("/income/transfers")
@requires("income.manage")
def income_transfer():
    data = json_body()
    found = income.transfer(actor(), data.get("amount"), data.get("memo"))
    return jsonify({"id": found.id, "fund_batch_id": found.fund_batch_id,
                    "amount": ledger.format_money(-found.amount_fen)}), 201
