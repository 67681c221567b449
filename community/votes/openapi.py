"""OpenAPI paths of the owners' assembly (added to ``community/api/openapi.py``'s spec)."""

from ..api.openapi import AREA, LIST, VOTE, VOTE_ID, _obj, _op, _path_id

CHOICE = {"enum": ["yes", "no", "abstain"]}
PROCEDURE = _obj(notice_days={"type": "integer", "minimum": 0, "maximum": 60},
                 objection_days={"type": "integer", "minimum": 0, "maximum": 30},
                 proxy_max={"type": "integer", "minimum": 1, "maximum": 20},
                 paper_precedence={"enum": ["first", "online"]})
FROZEN = _obj(id="integer", status="string", opens_at={"type": ["string", "null"]}, persons_total="integer",
              area_total=AREA, electorate_hash="string")
PAPER = _obj(id="integer", unit="string", status={"enum": ["pending", "counted", "conflict", "superseded"]},
             serial={"type": ["string", "null"]}, evidence="string", receipt={"type": ["string", "null"]})
PROXY = _obj(id="integer", unit="string", proxy_user_id="integer", evidence="string", revoked="boolean",
             used="boolean", overridden="boolean")
OBJECTION = _obj(id="integer", text="string", created_at="string", answer={"type": ["string", "null"]},
                 answered_at={"type": ["string", "null"]})
DELIVERY = _obj(id="integer", unit="string", kind={"enum": ["paper", "withdrawn"]},
                received_by={"type": ["string", "null"]}, handed_at={"type": ["string", "null"]},
                photo={"type": ["string", "null"]}, supersedes={"type": ["integer", "null"]})
DOCUMENT = _obj(id="integer", name="string", mime="string", size="integer", sha256="string", url="string",
                supersedes={"type": ["integer", "null"]})
PAPER_ID = VOTE_ID + [_path_id("paper_id")]

ASSEMBLY_PATHS = {
    "/votes/procedure": {
        "get": _op("The rules of procedure (defaults 15 notice days, 7 objection days, 3 proxies, first ballot "
                   "prevails); each vote copies them when it is created", tag="votes", result=PROCEDURE),
        "patch": _op("Change the rules of procedure (committee, audited)", tag="votes", errors=(400,),
                     body=PROCEDURE, result=PROCEDURE)},
    "/votes/{id}/announce": {"post": _op(
        "Announce a draft (committee): freezes the electorate of the vote's scope, publishes it and notifies the "
        "owners in scope; opens_at is notice_days later", tag="votes", errors=(400, 404, 409), params=VOTE_ID,
        result=FROZEN)},
    "/votes/{id}/open": {"post": _op(
        "Open an announced vote once its notice has run (409 before opens_at); with notice_days 0 a draft is "
        "announced and opened at once. electorate_hash is SHA-256 of the listing at /votes/{id}/electorate",
        tag="votes", errors=(400, 404, 409), params=VOTE_ID, result=FROZEN)},
    "/votes/{id}/turnout": {"get": _op("Turnout by building, with the units not yet voted (committee; no choices)",
                                       tag="votes", result=LIST, errors=(404, 409), params=VOTE_ID)},
    "/votes/{id}/close": {"post": _op(
        "Close and count (committee): a preliminary result, objections until objection_until. Before closes_at "
        "a reason is required", tag="votes", result=VOTE, errors=(400, 404, 409), params=VOTE_ID,
        body=_obj(reason="string"))},
    "/votes/{id}/extend": {"post": _op(
        "Move an open vote's deadline later, once and before it is reached (committee); owners who have not "
        "voted are told", tag="votes", result=VOTE, errors=(400, 404, 409), params=VOTE_ID,
        body=_obj(closes_at="string"))},
    "/votes/{id}/finalize": {"post": _op(
        "Make the result final (committee); 409 while the objection window runs or an objection is unanswered",
        tag="votes", result=VOTE, errors=(404, 409), params=VOTE_ID)},
    "/votes/{id}/objections": {
        "get": _op("Objections to the preliminary result and their answers (no names)", tag="votes", result=LIST,
                   errors=(404,), params=VOTE_ID),
        "post": _op("Object to the preliminary result (an owner in the electorate, until objection_until)",
                    tag="votes", ok=201, errors=(400, 404, 409), params=VOTE_ID, body=_obj(text="string"),
                    result=_obj(id="integer"))},
    "/votes/{id}/objections/{objection_id}/answer": {"post": _op(
        "Answer an objection (committee)", tag="votes", errors=(400, 404, 409),
        params=VOTE_ID + [_path_id("objection_id")], body=_obj(answer="string"), result=OBJECTION)},
    "/votes/{id}/proxies": {
        "get": _op("Proxies: all for the committee; one's own or held for others", tag="votes", result=LIST,
                   errors=(404,), params=VOTE_ID),
        "post": _op("Appoint a proxy for the voter of `unit` (an owner of it, or the committee recording a written "
                    "proxy). 409 beyond proxy_max for the holder", tag="votes", ok=201, errors=(400, 404, 409),
                    params=VOTE_ID, body=_obj(unit="string", proxy_user_id="integer", evidence="string"),
                    result=PROXY)},
    "/votes/{id}/proxies/{proxy_id}": {"delete": _op(
        "Revoke a proxy until its ballot is cast", tag="votes", errors=(404, 409),
        params=VOTE_ID + [_path_id("proxy_id")], result=PROXY)},
    "/votes/{id}/paper-ballots": {
        "get": _op("Paper ballots entered (committee)", tag="votes", result=LIST, errors=(404,), params=VOTE_ID),
        "post": _op("Enter a paper ballot for the voter owning `unit` (committee), with `choice` or `choices` and "
                    "the paper's `serial` if printed: it stays pending until a second member confirms it. 409: "
                    "this serial was entered already", tag="votes", ok=201, errors=(400, 404, 409),
                    params=VOTE_ID, body=_obj(unit="string", choice=CHOICE, choices="object", evidence="string",
                                              serial="string"), result=PAPER)},
    "/votes/{id}/paper-ballots/{paper_id}/confirm": {"post": _op(
        "Confirm a pending paper ballot against the paper (a second committee member; the one who entered it "
        "gets 403): it is counted, or kept as a conflict", tag="votes", errors=(400, 404, 409), params=PAPER_ID,
        body=_obj(serial="string"), result=PAPER)},
    "/votes/{id}/deliveries": {
        "get": _op("The delivery ledger (committee): each unit in scope as seen (an owner opened the vote's "
                   "notification, or voted online), paper (handed over, with a signature photo) or undelivered; "
                   "the counts; every entry, superseded ones marked. `building` filters", tag="votes",
                   result=_obj(counts="object", items="array", entries="array"), errors=(404, 409),
                   params=VOTE_ID),
        "post": _op("Record a paper handed over (committee; multipart `unit`, `received_by`, `handed_at`, "
                    "`photo`), or correct an entry with `supersedes` and `note` (`kind: withdrawn` to withdraw "
                    "it). Entries are never edited", tag="votes", ok=201, errors=(400, 404, 409), params=VOTE_ID,
                    result=DELIVERY)},
    "/votes/{id}/documents": {
        "get": _op("Documents of the vote's announcement, with size and SHA-256", tag="votes", result=LIST,
                   errors=(404,), params=VOTE_ID),
        "post": _op("Attach a document (committee; multipart `file`, PDF or image, at most 5 MB) to a draft; once "
                    "announced only a correction naming `supersedes`", tag="votes", ok=201,
                    errors=(400, 404, 409), params=VOTE_ID, result=DOCUMENT)},
    "/votes/{id}/documents/{file_id}": {"delete": _op(
        "Remove a document from a draft (committee); 409 once announced", tag="votes", errors=(404, 409),
        params=VOTE_ID + [_path_id("file_id")], result=_obj(removed="integer"))},
}


def _beside() -> dict:
    from ..assembly.openapi import PATHS  # petitions and the committee's register stand beside the votes
    return PATHS


ASSEMBLY_PATHS |= _beside()
