from flask import jsonify, request

from ..core.http import actor, api_blueprint, int_arg, json_body
from . import services

bp = api_blueprint("notifications_api")


@bp.get("/notifications")
def notifications():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    items = services.notifications(actor(), before=int_arg("before"), limit=limit)
    return jsonify({"items": items, "next": items[-1]["id"] if items and len(items) == limit else None,
                    "unread": services.unread_count(actor())})


@bp.post("/notifications/read")
def read_notifications():
    ids = json_body().get("ids") if request.get_data() else None  # no body at all: mark every one read
    return jsonify({"marked": services.mark_read(actor(), ids)})
