from flask import Response, jsonify, request

from ..core import policy
from ..core.http import actor, api_blueprint, int_arg, json_body
from ..core.timeutil import iso
from . import figures as figure_services
from . import notices as notice_services
from . import surveys as survey_services
from . import tickets as ticket_services

bp = api_blueprint("desk_api")

# URL segment -> ticket kind; each kind gets the same routes.
TICKET_PATHS = {"repairs": "repair", "complaints": "complaint", "suggestions": "suggestion"}


def _limit() -> int:
    return int_arg("limit", 50, minimum=1, maximum=200)


@bp.get("/desk/options")
def options():
    """What the forms offer: categories with their targets, departments, statuses."""
    policy.require_member(actor())
    targets = ticket_services.targets()
    return jsonify({
        "notice_categories": list(notice_services.CATEGORIES),
        "repair_categories": [{"category": c, **targets[c]} for c in ticket_services.REPAIR_CATEGORIES],
        "kind_targets": {k: targets[k] for k in ("complaint", "suggestion")},
        "departments": list(ticket_services.DEPARTMENTS), "statuses": list(ticket_services.STATUSES),
        "targets": {"satisfaction": figure_services.SATISFACTION_TARGET,
                    "timeliness": figure_services.TIMELINESS_TARGET},
    })


# ---- notices --------------------------------------------------------------------------------------

@bp.get("/notices")
def notices():
    items, cursor = notice_services.notices(actor(), category=request.args.get("category") or None,
                                     q=request.args.get("q"), before=int_arg("before"), limit=_limit())
    return jsonify({"items": items, "next": cursor})


@bp.post("/notices")
def post_notice():
    notice = notice_services.post_notice(actor(), json_body())
    return jsonify(notice_services.open_notice(actor(), notice.id)), 201


@bp.get("/notices/<int:notice_id>")
def notice(notice_id: int):
    return jsonify(notice_services.open_notice(actor(), notice_id))


@bp.post("/notices/<int:notice_id>/acknowledge")
def acknowledge(notice_id: int):
    receipt = notice_services.acknowledge(actor(), notice_id)
    return jsonify({"notice_id": notice_id, "acknowledged_at": iso(receipt.acknowledged_at)})


@bp.get("/notices/<int:notice_id>/receipts")
def receipts(notice_id: int):
    return jsonify(notice_services.receipts(actor(), notice_id))


# ---- repairs, complaints, suggestions -------------------------------------------------------------

def _tickets(kind: str):
    overdue = request.args.get("overdue", "").lower() in ("1", "true", "yes")
    items, cursor = ticket_services.tickets(
        actor(), kind, scope=request.args.get("scope") or None, status=request.args.get("status") or None,
        overdue_only=overdue, department=request.args.get("department") or None,
        category=request.args.get("category") or None, before=int_arg("before"), limit=_limit())
    return jsonify({"items": items, "next": cursor})


def _file(kind: str):
    found = ticket_services.file_ticket(actor(), kind, json_body())
    return jsonify(ticket_services.ticket_page(actor(), kind, found.id)), 201


def _show(kind: str, ticket_id: int):
    return jsonify(ticket_services.ticket_page(actor(), kind, ticket_id))


def _step(step):
    def view(kind: str, ticket_id: int):
        step(actor(), kind, ticket_id, json_body() if request.content_length else {})
        return jsonify(ticket_services.ticket_page(actor(), kind, ticket_id))
    return view


def _note(kind: str, ticket_id: int):
    ticket_services.add_note(actor(), kind, ticket_id, json_body())
    return jsonify(ticket_services.ticket_page(actor(), kind, ticket_id)), 201


for _path, _kind in TICKET_PATHS.items():
    _defaults = {"kind": _kind}
    bp.add_url_rule(f"/{_path}", f"{_kind}_list", _tickets, methods=["GET"], defaults=_defaults)
    bp.add_url_rule(f"/{_path}", f"{_kind}_file", _file, methods=["POST"], defaults=_defaults)
    bp.add_url_rule(f"/{_path}/<int:ticket_id>", f"{_kind}_show", _show, methods=["GET"], defaults=_defaults)
    for _verb, _step_fn in (("accept", ticket_services.accept), ("reassign", ticket_services.reassign),
                            ("start", ticket_services.start), ("done", ticket_services.finish),
                            ("confirm", ticket_services.confirm), ("reopen", ticket_services.reopen)):
        bp.add_url_rule(f"/{_path}/<int:ticket_id>/{_verb}", f"{_kind}_{_verb}", _step(_step_fn),
                        methods=["POST"], defaults=_defaults)
    bp.add_url_rule(f"/{_path}/<int:ticket_id>/notes", f"{_kind}_note", _note, methods=["POST"], defaults=_defaults)


# ---- surveys --------------------------------------------------------------------------------------

@bp.get("/surveys")
def surveys():
    items, cursor = survey_services.surveys(actor(), before=int_arg("before"), limit=_limit())
    return jsonify({"items": items, "next": cursor})


@bp.post("/surveys")
def create_survey():
    found = survey_services.create_survey(actor(), json_body())
    return jsonify(survey_services.survey_page(actor(), found.id)), 201


@bp.get("/surveys/<int:survey_id>")
def survey(survey_id: int):
    return jsonify(survey_services.survey_page(actor(), survey_id))


@bp.post("/surveys/<int:survey_id>/responses")
def answer(survey_id: int):
    response = survey_services.answer(actor(), survey_id, json_body())
    return jsonify({"id": response.id, "survey_id": survey_id}), 201


@bp.get("/surveys/<int:survey_id>/results")
def results(survey_id: int):
    return jsonify(survey_services.results(actor(), survey_id))


@bp.post("/surveys/<int:survey_id>/close")
def close_survey(survey_id: int):
    survey_services.close_survey(actor(), survey_id)
    return jsonify(survey_services.survey_page(actor(), survey_id))


# ---- service figures ------------------------------------------------------------------------------

def _figure_args() -> dict:
    return {"months": int_arg("months", 12, minimum=1, maximum=36), "kind": request.args.get("kind") or None}


@bp.get("/figures")
def figures():
    return jsonify(figure_services.figures(actor(), **_figure_args()))


@bp.get("/figures/export.csv")
def figures_csv():
    table = request.args.get("table", "monthly")
    body = figure_services.figures_csv(actor(), table=table, **_figure_args())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="service-figures-{table}.csv"'})
