from flask import jsonify, request

from ..core.http import actor, api_blueprint, int_arg, json_body, requires
from . import decisions, files, petitions

bp = api_blueprint("assembly_api")


@bp.get("/petitions")
def petition_list():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    me = actor()
    found = petitions.listed(me, before=int_arg("before"), limit=limit)
    return jsonify({"items": [petitions.serialize(p, me) for p in found],
                    "next": found[-1].id if len(found) == limit else None})


@bp.post("/petitions")
@requires("petition.start")
def petition_start():
    petition = petitions.start(actor(), json_body())
    return jsonify(petitions.serialize(petition, actor())), 201


@bp.get("/petitions/<int:petition_id>")
def petition(petition_id: int):
    return jsonify(petitions.serialize(petitions.find(actor(), petition_id), actor()))


@bp.post("/petitions/<int:petition_id>/sign")
@requires("petition.sign")
def petition_sign(petition_id: int):
    data = request.get_json(silent=True)
    units = petitions.sign(actor(), petition_id, data.get("unit") if isinstance(data, dict) else None)
    return jsonify(petitions.serialize(petitions.find(actor(), petition_id), actor()) | {"signed_units": units}), 201


@bp.delete("/petitions/<int:petition_id>/sign")
def petition_withdraw(petition_id: int):
    petitions.withdraw(actor(), petition_id)
    return jsonify(petitions.serialize(petitions.find(actor(), petition_id), actor()))


@bp.post("/petitions/<int:petition_id>/respond")
@requires("petition.respond")
def petition_respond(petition_id: int):
    return jsonify(petitions.serialize(petitions.respond(actor(), petition_id, json_body()), actor()))


@bp.get("/committee/decisions")
def decision_list():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    found = decisions.listed(actor(), before=int_arg("before"), limit=limit)
    return jsonify({"items": [decisions.serialize(d) for d in found],
                    "next": found[-1].id if len(found) == limit else None})


@bp.post("/committee/decisions")
@requires("decision.record")
def decision_record():
    return jsonify(decisions.serialize(decisions.record(actor(), json_body()))), 201


@bp.get("/committee/decisions/<int:decision_id>")
def decision(decision_id: int):
    return jsonify(decisions.serialize(decisions.find(actor(), decision_id)))


@bp.post("/committee/files")
@requires("decision.record")
def upload_file():
    """Upload minutes (PDF or image) as multipart ``file``; name it in ``minutes_file_id`` of a decision."""
    from ..extensions import db
    data, name = files.read_upload(request.files.get("file"))
    found = files.store(actor(), data, name)
    db.session.commit()
    return jsonify(files.serialize(found)), 201
