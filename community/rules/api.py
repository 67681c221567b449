from flask import jsonify

from ..core.errors import NotFound
from ..core.http import actor, api_blueprint, json_body
from . import services

bp = api_blueprint("rules_api")


@bp.get("/rules")
def current():
    rules = services.current()
    if rules is None:
        raise NotFound("No rules have been adopted.")
    return jsonify(services.serialize(rules))


@bp.post("/me/accept-rules")
def accept():
    version = services.accept(actor(), json_body().get("version"))
    return jsonify({"accepted_rules_version": version})
