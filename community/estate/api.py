from flask import jsonify, request

from ..core import policy
from ..core.http import actor, api_blueprint, json_body, page, page_args
from . import services

bp = api_blueprint("estate_api")


@bp.post("/units")
def import_units():
    policy.require(actor(), "roster.import")
    data = json_body()
    return jsonify(services.import_units(actor(), data.get("units")))


@bp.get("/units")
def list_units():
    after, limit = page_args()
    units = services.list_units(actor(), after=after, limit=limit, building=request.args.get("building"))
    view = policy.personal_view(actor())
    items = [services.serialize_unit(u, view) for u in units]
    return jsonify(page(items, limit, units[-1].id if units else None))
