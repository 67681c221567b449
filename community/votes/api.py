from flask import Response, jsonify

from ..core.http import actor, api_blueprint, int_arg, json_body, requires
from . import services, tally

bp = api_blueprint("votes_api")


@bp.get("/votes")
def votes():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    items = services.list_votes(actor(), before=int_arg("before"), limit=limit)
    return jsonify({"items": [services.serialize_summary(v) for v in items],
                    "next": items[-1].id if len(items) == limit else None})


@bp.post("/votes")
@requires("vote.create")
def create():
    vote = services.create(actor(), json_body())
    return jsonify({"id": vote.id, "status": vote.status}), 201


@bp.get("/votes/<int:vote_id>")
def vote(vote_id: int):
    return jsonify(services.serialize(services.get(actor(), vote_id), actor()))


@bp.patch("/votes/<int:vote_id>")
@requires("vote.manage")
def edit(vote_id: int):
    return jsonify(services.serialize(services.edit(actor(), vote_id, json_body()), actor()))


@bp.post("/votes/<int:vote_id>/open")
def open_vote(vote_id: int):
    vote = services.open_vote(actor(), vote_id)
    return jsonify({"id": vote.id, "status": vote.status, "persons_total": vote.persons_total,
                    "area_total": tally.format_area(vote.area_total_centi),
                    "electorate_hash": vote.electorate_hash})


@bp.get("/votes/<int:vote_id>/electorate")
def electorate(vote_id: int):
    return jsonify(services.electorate(actor(), vote_id))


@bp.post("/votes/<int:vote_id>/ballots")
def cast(vote_id: int):
    data = json_body()
    receipt, voter = services.cast(actor(), vote_id, data.get("choice"), data.get("unit"))
    return jsonify({"receipt": receipt, "units": voter["units"], "area": voter["area"]}), 201


@bp.get("/votes/<int:vote_id>/ballots")
def published(vote_id: int):
    return jsonify({"items": services.published_ballots(actor(), vote_id), "next": None})


@bp.get("/votes/<int:vote_id>/receipts/<code>")
def receipt(vote_id: int, code: str):
    return jsonify({"counted": True, "choice": services.verify_receipt(actor(), vote_id, code)})


@bp.get("/votes/<int:vote_id>/paper-ballots")
def paper_ballots(vote_id: int):
    return jsonify({"items": [services.serialize_paper(p) for p in services.paper_ballots(actor(), vote_id)],
                    "next": None})


@bp.post("/votes/<int:vote_id>/paper-ballots")
@requires("vote.manage")
def record_paper(vote_id: int):
    paper, receipt = services.record_paper(actor(), vote_id, json_body())
    return jsonify(services.serialize_paper(paper) | {"receipt": receipt}), 201


@bp.post("/votes/<int:vote_id>/paper-ballots/<int:paper_id>/review")
@requires("vote.manage")
def review(vote_id: int, paper_id: int):
    paper = services.review_conflict(actor(), vote_id, paper_id, json_body().get("note"))
    return jsonify(services.serialize_paper(paper))


@bp.post("/votes/<int:vote_id>/close")
def close(vote_id: int):
    return jsonify(services.serialize(services.close(actor(), vote_id), actor()))


@bp.get("/votes/<int:vote_id>/result.csv")
def result_csv(vote_id: int):
    name, text = services.result_csv(actor(), vote_id)
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})
