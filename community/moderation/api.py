from flask import jsonify, request

from ..core.errors import Unauthenticated
from ..core.http import actor, api_blueprint, int_arg, json_body
from . import sanctions, services

bp = api_blueprint("moderation_api")


@bp.post("/reports")
def report():
    data = json_body()
    new = services.report(actor(), data.get("target"), data.get("clause"), data.get("note"))
    return jsonify(services.serialize_report(new)), 201


@bp.get("/moderation/queue")
def queue():
    return jsonify({"items": services.queue(actor()), "next": None})


@bp.post("/moderation/queue/claim")
def claim():
    return jsonify(services.claim(actor(), json_body().get("target")))


@bp.post("/moderation/actions")
def act():
    record, sanction = services.act(actor(), json_body())
    return jsonify({"id": record.id, "sanction_id": sanction.id if sanction else None}), 201


@bp.get("/moderation/log")
def log():
    items = services.log(actor(), before=int_arg("before"), limit=int_arg("limit", 100, minimum=1, maximum=200))
    return jsonify({"items": items, "next": items[-1]["id"] if len(items) == int_arg("limit", 100) else None})


@bp.get("/moderation/hidden")
def hidden():
    return jsonify({"items": services.hidden(actor()), "next": None})


@bp.get("/moderation/figures")
def figures():
    return jsonify(services.figures(actor(), request.args.get("month")))


@bp.get("/moderation/users/<int:user_id>/suggestion")
def suggestion(user_id: int):
    from ..core import policy
    policy.require(actor(), "moderation.read")
    return jsonify(sanctions.suggestion(user_id))


@bp.get("/moderation/users/<int:user_id>/notes")
def notes(user_id: int):
    return jsonify({"items": services.notes(actor(), user_id), "next": None})


@bp.post("/moderation/users/<int:user_id>/notes")
def add_note(user_id: int):
    note = services.add_note(actor(), user_id, json_body().get("text"))
    return jsonify({"id": note.id}), 201


@bp.post("/appeals")
def appeal():
    new = services.appeal(json_body())
    return jsonify(services.serialize_appeal(new)), 201


@bp.get("/appeals")
def appeals():
    rows = services.appeals(actor(), request.args.get("status"))
    return jsonify({"items": [services.serialize_appeal(a) for a in rows], "next": None})


@bp.post("/appeals/<int:appeal_id>/decide")
def decide(appeal_id: int):
    data = json_body()
    found = services.decide_appeal(actor(), appeal_id, data.get("outcome"), data.get("reason"))
    return jsonify(services.serialize_appeal(found))


@bp.get("/me/standing")
def standing():
    if actor() is None:
        raise Unauthenticated("Please log in first.")
    return jsonify(services.standing(actor()))
