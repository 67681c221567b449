from flask import jsonify

from ..core.http import actor, api_blueprint, json_body
from . import services

bp = api_blueprint("moderation_api")


@bp.post("/reports")
def report():
    data = json_body()
    new = services.report(actor(), data.get("target"), data.get("clause"), data.get("note"))
    return jsonify(services.serialize_report(new)), 201
