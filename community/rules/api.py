from flask import jsonify, request

from ..core.errors import NotFound
from ..core.http import actor, api_blueprint, json_body, requires
from ..core.i18n import gettext as _
from . import services

bp = api_blueprint("rules_api")


@bp.get("/rules")
def current():
    rules = services.current()
    if rules is None:
        raise NotFound(_("No rules have been adopted."))
    return jsonify(services.serialize(rules))


@bp.post("/me/accept-rules")
def accept():
    version = services.accept(actor(), json_body().get("version"))
    return jsonify({"accepted_rules_version": version})


@bp.get("/rules/<int:version>")
def version(version: int):
    return jsonify(services.serialize(services.get_visible(actor(), version)))


@bp.post("/rules")
@requires("rules.draft")
def draft():
    new = services.draft(actor(), json_body())
    return jsonify({"version": new.version}), 201


@bp.post("/rules/<int:version>/adopt")
@requires("rules.adopt")
def adopt(version: int):
    data = request.get_json(silent=True)
    vote_id = data.get("vote_id") if isinstance(data, dict) else None
    return jsonify(services.serialize(services.adopt(actor(), version, vote_id)))


@bp.patch("/rules/policy")
@requires("rules.edit_policy")
def edit_policy():
    return jsonify(services.serialize(services.edit_policy(actor(), json_body())))
