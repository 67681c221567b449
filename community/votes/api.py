from flask import Response, jsonify, request

from ..core.http import actor, api_blueprint, int_arg, json_body, requires
from ..core.timeutil import iso
from . import attachments, delivery, services, tally

bp = api_blueprint("votes_api")


def _optional_body() -> dict:
    """For steps whose body is optional (a reason to close early, a serial to check)."""
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


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


@bp.get("/votes/procedure")
def read_procedure():
    return jsonify(services.read_procedure(actor()))


@bp.patch("/votes/procedure")
@requires("vote.procedure")
def update_procedure():
    return jsonify(services.update_procedure(actor(), json_body()))


def _frozen(vote) -> dict:
    return {"id": vote.id, "status": vote.status, "opens_at": iso(vote.opens_at),
            "persons_total": vote.persons_total, "area_total": tally.format_area(vote.area_total_centi),
            "electorate_hash": vote.electorate_hash}


@bp.post("/votes/<int:vote_id>/announce")
@requires("vote.manage")
def announce(vote_id: int):
    return jsonify(_frozen(services.announce(actor(), vote_id)))


@bp.post("/votes/<int:vote_id>/open")
def open_vote(vote_id: int):
    return jsonify(_frozen(services.open_vote(actor(), vote_id)))


@bp.get("/votes/<int:vote_id>/turnout")
@requires("vote.manage")
def turnout(vote_id: int):
    return jsonify({"items": services.turnout(actor(), vote_id), "next": None})


@bp.get("/votes/<int:vote_id>/electorate")
def electorate(vote_id: int):
    return jsonify(services.electorate(actor(), vote_id))


@bp.post("/votes/<int:vote_id>/ballots")
def cast(vote_id: int):
    data = json_body()
    receipt, voter = services.cast(actor(), vote_id, data.get("choice"), data.get("unit"),
                                   choices=data.get("choices"))
    return jsonify({"receipt": receipt, "units": voter["units"], "area": voter["area"],
                    "by_proxy": voter["proxy"]}), 201


@bp.get("/votes/<int:vote_id>/ballots")
def published(vote_id: int):
    return jsonify({"items": services.published_ballots(actor(), vote_id), "next": None})


@bp.get("/votes/<int:vote_id>/receipts/<code>")
def receipt(vote_id: int, code: str):
    found = services.verify_receipt(actor(), vote_id, code)
    if isinstance(found, str):
        return jsonify({"counted": True, "choice": found})
    return jsonify({"counted": True, "choice": None, "choices": found})


@bp.get("/votes/<int:vote_id>/paper-ballots")
def paper_ballots(vote_id: int):
    return jsonify({"items": [services.serialize_paper(p) for p in services.paper_ballots(actor(), vote_id)],
                    "next": None})


@bp.post("/votes/<int:vote_id>/paper-ballots")
@requires("vote.manage")
def record_paper(vote_id: int):
    paper, receipt = services.record_paper(actor(), vote_id, json_body())
    return jsonify(services.serialize_paper(paper) | {"receipt": receipt}), 201


@bp.post("/votes/<int:vote_id>/paper-ballots/<int:paper_id>/confirm")
@requires("vote.manage")
def confirm_paper(vote_id: int, paper_id: int):
    paper, receipt = services.confirm_paper(actor(), vote_id, paper_id, _optional_body())
    return jsonify(services.serialize_paper(paper) | {"receipt": receipt})


@bp.post("/votes/<int:vote_id>/paper-ballots/<int:paper_id>/review")
@requires("vote.manage")
def review(vote_id: int, paper_id: int):
    paper = services.review_conflict(actor(), vote_id, paper_id, json_body().get("note"))
    return jsonify(services.serialize_paper(paper))


@bp.post("/votes/<int:vote_id>/close")
def close(vote_id: int):
    vote = services.close(actor(), vote_id, _optional_body().get("reason"))
    return jsonify(services.serialize(vote, actor()))


@bp.post("/votes/<int:vote_id>/extend")
@requires("vote.manage")
def extend(vote_id: int):
    return jsonify(services.serialize(services.extend(actor(), vote_id, json_body().get("closes_at")), actor()))


@bp.post("/votes/<int:vote_id>/finalize")
def finalize(vote_id: int):
    return jsonify(services.serialize(services.finalize(actor(), vote_id), actor()))


@bp.get("/votes/<int:vote_id>/objections")
def objections(vote_id: int):
    me = actor()
    return jsonify({"items": [services.serialize_objection(o, me) for o in services.objections(me, vote_id)],
                    "next": None})


@bp.post("/votes/<int:vote_id>/objections")
def object_to(vote_id: int):
    objection = services.object_to(actor(), vote_id, json_body().get("text"))
    return jsonify({"id": objection.id}), 201


@bp.post("/votes/<int:vote_id>/objections/<int:objection_id>/answer")
@requires("vote.manage")
def answer(vote_id: int, objection_id: int):
    objection = services.answer_objection(actor(), vote_id, objection_id, json_body().get("answer"))
    return jsonify(services.serialize_objection(objection, actor()))


@bp.get("/votes/<int:vote_id>/proxies")
def proxies(vote_id: int):
    return jsonify({"items": [services.serialize_proxy(p) for p in services.proxies(actor(), vote_id)],
                    "next": None})


@bp.post("/votes/<int:vote_id>/proxies")
def appoint_proxy(vote_id: int):
    proxy = services.appoint_proxy(actor(), vote_id, json_body())
    return jsonify({"id": proxy.id} | services.serialize_proxy(proxy)), 201


@bp.delete("/votes/<int:vote_id>/proxies/<int:proxy_id>")
def revoke_proxy(vote_id: int, proxy_id: int):
    return jsonify(services.serialize_proxy(services.revoke_proxy(actor(), vote_id, proxy_id)))


@bp.get("/votes/<int:vote_id>/result.csv")
def result_csv(vote_id: int):
    name, text = services.result_csv(actor(), vote_id)
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---- the delivery ledger and the announcement's documents -----------------------------------------

@bp.get("/votes/<int:vote_id>/deliveries")
@requires("vote.delivery")
def deliveries(vote_id: int):
    _vote, lines, entries = delivery.ledger(actor(), vote_id, building=request.args.get("building") or None)
    superseded = {e.supersedes_id for e in entries if e.supersedes_id}
    return jsonify({"counts": delivery.counts(lines), "items": [delivery.serialize_line(line) for line in lines],
                    "entries": [delivery.serialize_entry(e, superseded) for e in entries], "next": None})


@bp.post("/votes/<int:vote_id>/deliveries")
@requires("vote.delivery")
def record_delivery(vote_id: int):
    """Multipart: ``unit``, ``received_by``, ``handed_at``, the signature ``photo``; or ``supersedes`` with
    ``note`` (and ``kind: withdrawn``) for a correction."""
    from ..assembly import files
    photo = files.read_upload(request.files.get("photo"))
    entry = delivery.record(actor(), vote_id, request.form.to_dict(), photo)
    return jsonify(delivery.serialize_entry(entry)), 201


@bp.get("/votes/<int:vote_id>/documents")
def documents(vote_id: int):
    return jsonify({"items": attachments.listed(services.get(actor(), vote_id)), "next": None})


@bp.post("/votes/<int:vote_id>/documents")
@requires("vote.manage")
def attach_document(vote_id: int):
    """Multipart ``file`` (PDF or image, at most 5 MB), and ``supersedes`` for a correction once announced."""
    from ..assembly import files
    content, name = files.read_upload(request.files.get("file"))
    found = attachments.attach(actor(), vote_id, content, name, request.form.get("supersedes"))
    return jsonify(attachments.serialize(found)), 201


@bp.delete("/votes/<int:vote_id>/documents/<int:file_id>")
@requires("vote.manage")
def remove_document(vote_id: int, file_id: int):
    attachments.remove(actor(), vote_id, file_id)
    return jsonify({"removed": file_id})
