from flask import jsonify

from ..core.http import actor, api_blueprint, page, page_args
from . import services

bp = api_blueprint("audit_api")


@bp.get("/audit")
def entries():
    after, limit = page_args()
    items = services.entries(actor(), after=after, limit=limit)
    return jsonify(page(items, limit, items[-1]["seq"] if items else None))


@bp.get("/audit/verify")
def verify():
    return jsonify(services.verify_for(actor()))


@bp.get("/audit/head")
def head():
    return jsonify(services.head_for(actor()))
