from flask import jsonify, request

from ..core.http import actor, api_blueprint, int_arg
from . import services

bp = api_blueprint("chat_api")


@bp.get("/chat/rooms")
def rooms():
    return jsonify({"items": services.rooms(actor()), "next": None})


@bp.get("/chat/rooms/<slug>/messages")
def messages(slug: str):
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    items = services.history(actor(), slug, before=int_arg("before"), after=int_arg("after"), limit=limit)
    following = None
    if len(items) == limit:
        following = items[-1]["id"] if request.args.get("after") else items[0]["id"]
    return jsonify({"items": items, "next": following})


@bp.post("/chat/rooms/<slug>/read")
def read(slug: str):
    services.mark_read(actor(), slug, int_arg("last_id"))
    return "", 204


@bp.delete("/chat/messages/<int:message_id>")
def remove(message_id: int):
    data = request.get_json(silent=True)
    services.remove(actor(), message_id, data.get("reason") if isinstance(data, dict) else None)
    return "", 204


@bp.post("/chat/messages/<int:message_id>/approve")
def approve(message_id: int):
    return jsonify(services.serialize(services.approve_held(actor(), message_id)))


@bp.get("/chat/desk")
def desk():
    return jsonify({"items": services.desk(actor()), "next": None})


@bp.post("/chat/desk/<int:user_id>/close")
def close(user_id: int):
    services.close_desk(actor(), user_id)
    return "", 204
