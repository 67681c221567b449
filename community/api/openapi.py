"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json."""

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, *, tag: str, auth: bool = True, body: dict | None = None, ok: int = 200,
        result: dict | None = None, errors: tuple[int, ...] = (), params: list | None = None) -> dict:
    responses = {str(ok): {"description": "OK"} if ok == 204 else {
        "description": "OK", "content": {"application/json": {"schema": result or {"type": "object"}}}}}
    for status in errors + ((401, 403) if auth else ()):
        responses[str(status)] = {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
    op = {"summary": summary, "tags": [tag], "responses": responses}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    if not auth:
        op["security"] = []
    return op


def _obj(**props) -> dict:
    return {"type": "object", "properties": {k: ({"type": v} if isinstance(v, str) else v) for k, v in props.items()}}


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _path_str(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


PAGING = [{"name": "after", "in": "query", "schema": {"type": "integer"}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}]
LIST = _obj(items={"type": "array", "items": {"type": "object"}}, next={"type": ["integer", "null"]})
UNIT_IN = _obj(code="string", building="string", area={"type": "string", "example": "89.50"},
               developer_held="boolean",
               owners={"type": "array", "items": _obj(name="string", id_number="string")})


def spec() -> dict:
    paths = {
        "/auth/register": {"post": _op("Apply for an account", tag="accounts", auth=False, ok=201, errors=(400, 403, 409),
                                       body=_obj(real_name="string", phone="string", password="string",
                                                 id_number="string", unit="string",
                                                 relation={"enum": ["owner", "family", "tenant", "vendor"]},
                                                 organization="string", display_name="string",
                                                 accepted_rules_version="integer"),
                                       result=_obj(id="integer", status="string", roster_match="boolean"))},
        "/auth/token": {
            "post": _op("Log in and get a bearer token", tag="accounts", auth=False, errors=(400, 401, 403, 429),
                        body=_obj(phone="string", password="string"), result=_obj(token="string", user="object")),
            "delete": _op("Log out (revoke this token)", tag="accounts", ok=204)},
        "/me": {"get": _op("The caller's own account", tag="accounts")},
        "/me/password": {"post": _op("Change password (revokes every token)", tag="accounts", ok=204, errors=(400,),
                                     body=_obj(old_password="string", new_password="string"))},
        "/me/accept-rules": {"post": _op("Accept the current rules version", tag="rules", errors=(400,),
                                         body=_obj(version="integer"))},
        "/users/{id}": {"get": _op("A user as the caller may see them", tag="accounts", errors=(404,),
                                   params=[_path_id("id")])},
        "/registrations": {"get": _op("Registrations by status", tag="accounts", result=LIST, params=PAGING + [
            {"name": "status", "in": "query", "schema": {"enum": ["pending", "approved", "rejected"]}}])},
        "/registrations/{id}/approve": {"post": _op("Approve a registration", tag="accounts", errors=(404, 409),
                                                    params=[_path_id("id")])},
        "/registrations/{id}/reject": {"post": _op("Reject a registration with a reason", tag="accounts",
                                                   errors=(400, 404, 409), params=[_path_id("id")],
                                                   body=_obj(reason="string"))},
        "/staff": {"get": _op("Staff and admins", tag="accounts", result=LIST),
                   "post": _op("Create a staff member or admin", tag="accounts", ok=201, errors=(400, 409),
                               body=_obj(real_name="string", phone="string", password="string",
                                         role={"enum": ["staff", "admin"]}))},
        "/committee/members": {
            "get": _op("Committee members", tag="accounts", result=LIST),
            "post": _op("Appoint an approved owner", tag="accounts", ok=201, errors=(400, 404, 409),
                        body=_obj(user_id="integer"))},
        "/committee/members/{user_id}": {"delete": _op("Remove a committee member", tag="accounts", ok=204,
                                                       errors=(404,), params=[_path_id("user_id")])},
        "/units": {
            "get": _op("The roster (committee sees owners masked)", tag="estate", result=LIST, params=PAGING),
            "post": _op("Import or update units", tag="estate", errors=(400,),
                        body=_obj(units={"type": "array", "items": UNIT_IN}),
                        result=_obj(created="integer", updated="integer"))},
        "/rules": {"get": _op("The current interaction rules", tag="rules", auth=False, errors=(404,)),
                   "post": _op("Draft a new version (admin)", tag="rules", ok=201, errors=(400,),
                               body=_obj(text="string", clauses={"type": "array"}, policy="object"),
                               result=_obj(version="integer"))},
        "/rules/{version}": {"get": _op("One rules version", tag="rules", auth=False, errors=(404,),
                                        params=[_path_id("version")])},
        "/rules/{version}/adopt": {"post": _op("Adopt a drafted version (admin)", tag="rules", errors=(404, 409),
                                               params=[_path_id("version")], body=_obj(vote_id="integer"))},
        "/rules/policy": {"patch": _op("Edit the word lists and limits of the adopted version (staff)",
                                       tag="rules", errors=(400,), body={"type": "object"})},
        "/boards": {"get": _op("Boards and whether the caller may start threads", tag="boards", result=LIST)},
        "/boards/{slug}/threads": {
            "get": _op("Threads, pinned first, then by last activity", tag="boards", result=LIST, errors=(404,),
                       params=[_path_str("slug"), {"name": "before", "in": "query", "schema": {"type": "string"}}]),
            "post": _op("Start a thread (Markdown body)", tag="boards", ok=201, errors=(400, 404, 422),
                        params=[_path_str("slug")],
                        body=_obj(title="string", body="string", attachments={"type": "array"}),
                        result=_obj(id="integer", status="string"))},
        "/threads/{id}": {"get": _op("A thread with the replies the caller may see", tag="boards", errors=(404,),
                                     params=[_path_id("id")])},
        "/threads/{id}/posts": {"post": _op("Reply, optionally to a post (parent_id)", tag="boards", ok=201,
                                            errors=(400, 404, 422), params=[_path_id("id")],
                                            body=_obj(body="string", parent_id="integer"),
                                            result=_obj(id="integer", status="string"))},
        "/posts/{id}": {"patch": _op("Edit your post (earlier versions are kept)", tag="boards",
                                     errors=(400, 404, 422), params=[_path_id("id")], body=_obj(body="string"))},
        "/posts/{id}/revisions": {"get": _op("Earlier versions of a post (staff, committee)", tag="boards",
                                             result=LIST, errors=(404,), params=[_path_id("id")])},
        "/attachments": {"post": _op("Upload an image (JPEG, PNG, WebP; 5 MB; metadata removed)", tag="boards",
                                     ok=201, errors=(400, 413))},
        "/notifications": {"get": _op("Replies and mentions, newest first", tag="boards", result=LIST)},
        "/notifications/read": {"post": _op("Mark notifications read (all, or the given ids)", tag="boards",
                                            body=_obj(ids={"type": "array"}))},
        "/search": {"get": _op("Search titles and posts", tag="boards", result=LIST, errors=(400,),
                               params=[{"name": "q", "in": "query", "required": True,
                                        "schema": {"type": "string"}}])},
        "/reports": {"post": _op("Report a thread, post, message or user", tag="moderation", ok=201,
                                 errors=(400, 404, 409),
                                 body=_obj(target="string", clause="string", note="string"))},
        "/audit": {"get": _op("The audit trail", tag="audit", result=LIST, params=PAGING)},
        "/audit/verify": {"get": _op("Check the hash chain", tag="audit",
                                     result=_obj(ok="boolean", entries="integer", first_bad_seq="integer"))},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Linli community API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _obj(error=_obj(code="string", message="string", field="string",
                                                  clause="string"))},
        },
    }


@bp.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(spec())
