from flask import g, jsonify, request

from ..accounts.limits import login_throttle
from ..core.errors import InvalidCredentials, Unauthenticated
from ..core.http import actor, api_blueprint, int_arg, json_body, requires
from . import appeals as my_appeals
from . import review, sanctions, services

bp = api_blueprint("moderation_api")


@bp.post("/reports")
def report():
    data = json_body()
    new = services.report(actor(), data.get("target"), data.get("clause"), data.get("note"), data.get("reason"))
    return jsonify(services.serialize_report(new)), 201


@bp.get("/moderation/queue")
def queue():
    return jsonify({"items": review.queue(actor()), "next": None})


@bp.post("/moderation/queue/claim")
@requires("moderation.act")
def claim():
    return jsonify(review.claim(actor(), json_body().get("target")))


@bp.post("/moderation/actions")
@requires("moderation.act")
def act():
    record, sanction = services.act(actor(), json_body())
    return jsonify({"id": record.id, "sanction_id": sanction.id if sanction else None}), 201


@bp.get("/moderation/log")
def log():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    items = services.log(actor(), before=int_arg("before"), limit=limit)
    return jsonify({"items": items, "next": items[-1]["id"] if len(items) == limit else None})


@bp.get("/moderation/hidden")
def hidden():
    return jsonify({"items": review.hidden(actor()), "next": None})


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
@requires("moderation.act")
def add_note(user_id: int):
    note = services.add_note(actor(), user_id, json_body().get("text"))
    return jsonify({"id": note.id}), 201


@bp.post("/appeals")
@login_throttle
def appeal():
    """Appeals check a phone and password, so their failures count against the same limits as logins."""
    try:
        new = services.appeal(json_body())
    except InvalidCredentials:
        g.login_failed = True
        raise
    return jsonify(services.serialize_appeal(new)), 201


@bp.get("/appeals")
def appeals():
    rows = services.appeals(actor(), request.args.get("status"))
    return jsonify({"items": [services.serialize_appeal(a) for a in rows], "next": None})


@bp.get("/appeals/mine")
def appeals_mine():
    """The signed-in person's own appeals and where each stands (received, decided, outcome, reason)."""
    if actor() is None:
        raise Unauthenticated("Please log in first.")
    return jsonify({"items": my_appeals.mine(actor()), "next": None})


@bp.post("/appeals/<int:appeal_id>/decide")
@requires("moderation.act")
def decide(appeal_id: int):
    data = json_body()
    found = services.decide_appeal(actor(), appeal_id, data.get("outcome"), data.get("reason"))
    return jsonify(services.serialize_appeal(found))


@bp.get("/me/standing")
def standing():
    if actor() is None:
        raise Unauthenticated("Please log in first.")
    return jsonify(services.standing(actor()))
