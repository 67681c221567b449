from flask import current_app, jsonify, request

from ..core.http import actor, api_blueprint, int_arg, json_body
from ..extensions import limiter
from . import media, page, search, services

bp = api_blueprint("boards_api")


@bp.get("/boards")
def boards():
    return jsonify({"items": [services.serialize_board(b, actor()) for b in services.boards(actor())],
                    "next": None})


@bp.get("/boards/<slug>/threads")
def threads(slug: str):
    items, cursor = services.threads(actor(), slug, before=request.args.get("before") or None,
                                     limit=int_arg("limit", 50, minimum=1, maximum=200))
    return jsonify({"items": items, "next": cursor})


@bp.post("/boards/<slug>/threads")
def start_thread(slug: str):
    data = json_body()
    thread = services.start_thread(actor(), slug, data.get("title"), data.get("body"), data.get("attachments"))
    return jsonify({"id": thread.id, "status": thread.status}), 201


@bp.get("/threads/<int:thread_id>")
def thread(thread_id: int):
    return current_app.json.encoded(page.json_body(page.thread_page(actor(), thread_id)))


@bp.post("/threads/<int:thread_id>/posts")
def reply(thread_id: int):
    data = json_body()
    post = services.reply(actor(), thread_id, data.get("body"), data.get("parent_id"), data.get("attachments"))
    return jsonify({"id": post.id, "status": post.status}), 201


@bp.patch("/posts/<int:post_id>")
def edit(post_id: int):
    post = services.edit(actor(), post_id, json_body().get("body"))
    return jsonify({"id": post.id, "status": post.status, "body_html": post.body_html,
                    "edited": post.edited_at is not None})


@bp.get("/posts/<int:post_id>/revisions")
def revisions(post_id: int):
    return jsonify({"items": services.revisions(actor(), post_id), "next": None})




@bp.post("/attachments")
def upload():
    file = request.files.get("file")
    attachment = media.upload(actor(), file.read() if file else b"")
    return jsonify(media.serialize(attachment)), 201


@bp.get("/search")
def search_results():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    offset = int_arg("after", 0, maximum=search.OFFSET_MAX)
    items = search.search(actor(), request.args.get("q"), limit=limit + 1, offset=offset)
    return jsonify({"items": items[:limit], "next": str(offset + limit) if len(items) > limit else None})


@bp.post("/preview")
@limiter.limit(lambda: current_app.config.get("PREVIEW_LIMIT", "60 per minute"),
               key_func=lambda: f"preview:{actor().id}")
def preview():
    """What a text would look like once posted (the editor's preview): sanitised HTML, nothing stored."""
    data = json_body()
    return jsonify({"body_html": services.preview(actor(), data.get("body"), data.get("kind", "post"))})
