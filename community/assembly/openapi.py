"""OpenAPI paths of petitions and the committee's register (joined to the assembly's paths)."""

from ..api.openapi import AREA, LIST, _obj, _op, _path_id

PETITION = _obj(id="integer", title="string", body="string",
                status={"enum": ["open", "reached", "convened", "answered"]}, persons_total="integer",
                area_total=AREA, persons_signed="integer", area_signed=AREA, persons_needed="integer",
                reached="boolean", response={"type": ["string", "null"]}, vote_id={"type": ["integer", "null"]},
                can_sign="boolean", can_withdraw="boolean", can_respond="boolean")
MEMBERS = {"type": "array", "items": {"type": "integer"}}
DECISION = _obj(id="integer", decided_on={"type": "string", "format": "date"}, title="string", text="string",
                present={"type": "array", "items": _obj(id="integer", name="string")},
                minutes={"type": ["object", "null"]}, supersedes={"type": ["integer", "null"]},
                superseded_by={"type": ["integer", "null"]}, current="boolean")
PID = [_path_id("id")]

PATHS = {
    "/petitions": {
        "get": _op("Owners' petitions for an extraordinary assembly, newest first", tag="assembly", result=LIST),
        "post": _op("Start a petition (an owner): freezes the roster's voters it is counted against",
                    tag="assembly", ok=201, errors=(400, 409), body=_obj(title="string", body="string"),
                    result=PETITION)},
    "/petitions/{id}": {"get": _op("A petition with its progress", tag="assembly", errors=(404,), params=PID,
                                   result=PETITION)},
    "/petitions/{id}/sign": {
        "post": _op("Sign for the caller's voters (or the one owning unit); one signature per voter; at a fifth "
                    "of the owners the petition is reached and the committee told", tag="assembly", ok=201,
                    errors=(400, 404, 409), params=PID, body=_obj(unit="string"), result=PETITION),
        "delete": _op("Withdraw the caller's signatures while the petition is open", tag="assembly",
                      errors=(404, 409), params=PID, result=PETITION)},
    "/petitions/{id}/respond": {"post": _op(
        "The committee's response to a reached petition: convene (a draft vote from the fields of POST /votes "
        "in vote) or answer in writing (response); audited", tag="assembly", errors=(400, 404, 409), params=PID,
        body=_obj(action={"enum": ["convene", "answer"]}, response="string", vote="object"), result=PETITION)},
    "/committee/decisions": {
        "get": _op("The committee's register of decisions and minutes (any member)", tag="assembly", result=LIST),
        "post": _op("Record a decision (committee, audited); a correction supersedes an entry, never edits it",
                    tag="assembly", ok=201, errors=(400, 409),
                    body=_obj(decided_on={"type": "string", "format": "date"}, title="string", text="string",
                              present=MEMBERS, agreed=MEMBERS, disagreed=MEMBERS, abstained=MEMBERS,
                              minutes_file_id="integer", supersedes="integer"), result=DECISION)},
    "/committee/decisions/{id}": {"get": _op("One decision", tag="assembly", errors=(404,), params=PID,
                                             result=DECISION)},
    "/committee/files": {"post": {
        "summary": "Upload minutes (multipart file: PDF, JPEG, PNG or WebP, at most 5 MB)", "tags": ["assembly"],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _obj(file={
            "type": "string", "format": "binary"})}}},
        "responses": {"201": {"description": "OK", "content": {"application/json": {"schema": _obj(
            id="integer", name="string", url="string")}}}, "400": {"description": "Error"},
            "401": {"description": "Error"}, "403": {"description": "Error"}, "429": {"description": "Error"}}}},
}
