"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json."""

from flask import Blueprint, jsonify

from ..moderation.services import ACTIONS as MODERATION_ACTIONS

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
LIST = _obj(items={"type": "array", "items": {"type": "object"}}, next={"type": ["integer", "string", "null"]})
BEFORE = [{"name": "before", "in": "query", "schema": {"type": "integer"}}, PAGING[1]]
UNIT_IN = _obj(code="string", building="string", area={"type": "string", "example": "89.50"},
               developer_held="boolean",
               owners={"type": "array", "items": _obj(name="string", id_number="string")})


AREA = {"type": "string", "example": "89.50"}
VOTE_IN = _obj(title="string", body="string", matter={"type": "integer", "minimum": 1, "maximum": 9},
               secret="boolean", closes_at={"type": "string", "format": "date-time"})
VOTE_RESULT = {"type": ["object", "null"], "properties": {
    **{f"{c}_{m}": ({"type": "integer"} if m == "persons" else AREA)
       for c in ("yes", "no", "abstain") for m in ("persons", "area")},
    "participation_met": {"type": "boolean"}, "approval_met": {"type": "boolean"}, "passed": {"type": "boolean"}}}
VOTE = _obj(id="integer", title="string", body="string", body_html="string", matter="integer", secret="boolean",
            status={"enum": ["draft", "open", "closed"]}, closes_at="string",
            approval_rule={"enum": ["more_than_half", "three_quarters"]},
            persons_total={"type": ["integer", "null"]}, area_total={"type": ["string", "null"]},
            persons_participating="integer", area_participating=AREA,
            electorate_hash={"type": ["string", "null"]}, result=VOTE_RESULT,
            my_voters={"type": "array", "description": "the voters whose ballot the caller may cast",
                       "items": _obj(voter_id="integer", units={"type": "array", "items": {"type": "string"}},
                                     area=AREA, voted="boolean", channel={"type": ["string", "null"]})},
            conflicts={"type": "array", "description": "committee only: paper ballots that met a ballot already "
                                                       "cast (not counted)"})
PAPER = _obj(id="integer", unit="string", status={"enum": ["counted", "conflict"]}, choice={"type": ["string", "null"]},
             evidence="string", recorded_at="string", reviewed="boolean", review_note={"type": ["string", "null"]},
             receipt={"type": ["string", "null"]})
CHOICE = {"enum": ["yes", "no", "abstain"]}
VOTE_ID = [_path_id("id")]
VOTE_PATHS = {
    "/votes": {
        "get": _op("Votes, newest first (drafts for the committee only)", tag="votes", result=LIST, params=[
            {"name": "before", "in": "query", "schema": {"type": "integer"}}, PAGING[1]]),
        "post": _op("Draft a vote (committee). Matters 6-8 need three quarters to pass", tag="votes", ok=201,
                    errors=(400,), body=VOTE_IN, result=_obj(id="integer", status="string"))},
    "/votes/{id}": {
        "get": _op("A vote with its live turnout; the result (null until it closes). A vote past closes_at "
                   "closes when read", tag="votes", result=VOTE, errors=(404,), params=VOTE_ID),
        "patch": _op("Edit a draft (committee)", tag="votes", result=VOTE, errors=(400, 404, 409), params=VOTE_ID,
                     body=VOTE_IN)},
    "/votes/{id}/open": {"post": _op(
        "Open a draft (committee): freezes the electorate from the whole roster. electorate_hash is SHA-256 of "
        "the listing served at /votes/{id}/electorate: 'electorate v1' then each voter's line, sorted, joined by "
        "newlines", tag="votes", errors=(400, 404, 409), params=VOTE_ID,
        result=_obj(persons_total="integer", area_total=AREA, electorate_hash="string"))},
    "/votes/{id}/electorate": {"get": _op("The frozen electorate: voters, their units and areas, no names",
                                          tag="votes", errors=(404, 409), params=VOTE_ID)},
    "/votes/{id}/ballots": {
        "post": _op("Cast the ballot of your voter (an owner on the vote's roster). Name `unit` if you own units "
                    "in more than one voter. 409: the voter has voted, or the vote is not open", tag="votes",
                    ok=201, errors=(400, 404, 409), params=VOTE_ID, body=_obj(choice=CHOICE, unit="string"),
                    result=_obj(receipt="string", units={"type": "array"}, area=AREA)),
        "get": _op("After an open (not secret) vote closes: unit, area and choice of every ballot, no names",
                   tag="votes", result=LIST, errors=(404, 409), params=VOTE_ID)},
    "/votes/{id}/receipts/{code}": {"get": _op(
        "Check a receipt: the choice it was counted with, known only to whoever holds the code", tag="votes",
        errors=(404,), params=VOTE_ID + [_path_str("code")], result=_obj(counted="boolean", choice=CHOICE))},
    "/votes/{id}/paper-ballots": {
        "get": _op("Paper ballots entered (committee)", tag="votes", result=LIST, errors=(404,), params=VOTE_ID),
        "post": _op("Enter a paper ballot for the voter owning `unit` (committee). If that voter has voted, it is "
                    "kept as a conflict and not counted", tag="votes", ok=201, errors=(400, 404, 409),
                    params=VOTE_ID, body=_obj(unit="string", choice=CHOICE, evidence="string"), result=PAPER)},
    "/votes/{id}/paper-ballots/{paper_id}/review": {"post": _op(
        "Mark a conflicting paper ballot reviewed, with a note (committee); the first ballot stays counted",
        tag="votes", errors=(400, 404, 409), params=VOTE_ID + [_path_id("paper_id")], body=_obj(note="string"),
        result=PAPER)},
    "/votes/{id}/close": {"post": _op("Close and count (committee)", tag="votes", result=VOTE,
                                      errors=(404, 409), params=VOTE_ID)},
    "/votes/{id}/result.csv": {"get": {**_op("The result as CSV (and, for an open vote, every unit's choice)",
                                             tag="votes", errors=(404, 409), params=VOTE_ID),
                                       "responses": {"200": {"description": "CSV",
                                                             "content": {"text/csv": {"schema": {"type": "string"}}}},
                                                     **{str(s): {"description": "Error", "content": {
                                                         "application/json": {"schema": ERROR}}}
                                                        for s in (401, 403, 404, 409)}}}},
}


NOTICE_CATEGORY = {"enum": ["general", "fire_safety", "outage", "fees"]}
DEPARTMENT = {"enum": ["engineering", "security", "cleaning", "developer"]}
TICKET_STATUS = {"enum": ["submitted", "accepted", "in_progress", "done", "confirmed"]}
NOTICE = _obj(id="integer", category=NOTICE_CATEGORY, title="string", body_html="string", author="object",
              whole_estate="boolean", buildings={"type": "array", "items": {"type": "string"}},
              must_acknowledge="boolean", created_at="string", read="boolean", acknowledged="boolean",
              acknowledged_at={"type": ["string", "null"]}, can_acknowledge="boolean", can_track="boolean")
TICKET = _obj(
    id="integer", kind={"enum": ["repair", "complaint", "suggestion"]}, category="string", status=TICKET_STATUS,
    description="string", public="boolean", department={"type": ["string", "null"]},
    worker={"type": ["string", "null"]},
    unit={"type": ["string", "null"], "description": "staff and the filer only"},
    building={"type": ["string", "null"], "description": "staff, committee and the filer"},
    common_area={"type": ["string", "null"]},
    author={"type": ["object", "null"], "description": "staff (in full) and the filer only: complaints are "
                                                       "anonymous to everyone else, the committee included"},
    submitted_at="string", accepted_at="string", started_at="string", done_at="string", confirmed_at="string",
    response_due_at="string", completion_due_at="string",
    overdue={"enum": [None, "response", "completion"]}, on_time={"type": ["boolean", "null"]},
    rating={"type": ["integer", "null"]}, rating_comment={"type": ["string", "null"]},
    reopened={"type": "integer", "description": "times the filer sent it back as not fixed"}, can="object",
    timeline={"type": "array", "items": _obj(at="string", action="string", status="string", by="string",
                                             department="string", worker="string", note="string")},
    photos={"type": "array", "items": _obj(id="integer", url="string")})
RATE = _obj(count="integer", hits="integer", rate={"type": ["number", "null"]}, target="integer",
            met={"type": ["boolean", "null"]})
TALLY = {"filed": {"type": "integer"}, "done": {"type": "integer"}, "timeliness": RATE, "satisfaction": RATE}
QUESTION_IN = _obj(kind={"enum": ["single", "multiple", "rating", "text"]}, text="string",
                   options={"type": "array", "items": {"type": "string"}}, required="boolean")
BEFORE = [{"name": "before", "in": "query", "schema": {"type": "integer"}}, PAGING[1]]
FIGURE_ARGS = [{"name": "months", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 36}},
               {"name": "kind", "in": "query", "schema": {"enum": ["repair", "complaint", "suggestion"]}}]


def _ticket_paths(plural: str, kind: str) -> dict:
    one = [_path_id("id")]
    filters = BEFORE + [{"name": n, "in": "query", "schema": s} for n, s in (
        ("scope", {"enum": ["mine", "public", "all"]}), ("status", TICKET_STATUS),
        ("overdue", {"type": "boolean"}), ("department", DEPARTMENT), ("category", {"type": "string"}))]
    where = ("unit (one of yours) or common_area, " if kind == "repair" else "optional unit or common_area, ")
    body = _obj(description="string", unit="string", common_area="string",
                attachments={"type": "array", "items": {"type": "integer"}, "maxItems": 9},
                **({"category": {"type": "string"}} if kind == "repair" else {"public": "boolean"}))
    return {
        f"/{plural}": {
            "get": _op(f"{kind.capitalize()}s, newest first: the caller's own (residents), all (staff, committee) "
                       "or public ones; overdue=1 keeps those past their response or completion target",
                       tag="desk", result=LIST, errors=(400,), params=filters),
            "post": _op(f"File a {kind} (owner or resident): {where}description, photos from /attachments; "
                        "429 rate_limited (with Retry-After) past 10 requests an hour or 30 a day per account",
                        tag="desk", ok=201, errors=(400, 422, 429), body=body, result=TICKET)},
        f"/{plural}/{{id}}": {"get": _op(f"A {kind} with its timeline and photos", tag="desk", result=TICKET,
                                         errors=(404,), params=one)},
        f"/{plural}/{{id}}/accept": {"post": _op(
            "Triage (staff): submitted → accepted, with a department" + (" and a worker" if kind == "repair" else ""),
            tag="desk", result=TICKET, errors=(400, 404, 409), params=one,
            body=_obj(department=DEPARTMENT, worker="string", note="string"))},
        f"/{plural}/{{id}}/reassign": {"post": _op(
            "Change department or worker while accepted or in progress (staff)", tag="desk", result=TICKET,
            errors=(400, 404, 409), params=one, body=_obj(department=DEPARTMENT, worker="string", note="string"))},
        f"/{plural}/{{id}}/start": {"post": _op("accepted → in_progress (staff)", tag="desk", result=TICKET,
                                                errors=(404, 409), params=one, body=_obj(note="string"))},
        f"/{plural}/{{id}}/done": {"post": _op(
            "in_progress → done (staff)" + ("" if kind == "repair" else "; note (the report) required"),
            tag="desk", result=TICKET, errors=(400, 404, 409), params=one, body=_obj(note="string"))},
        f"/{plural}/{{id}}/notes": {"post": _op("A progress note to the filer (staff)", tag="desk", ok=201,
                                                result=TICKET, errors=(400, 404, 409), params=one,
                                                body=_obj(note="string"))},
        f"/{plural}/{{id}}/confirm": {"post": _op(
            "The return visit (the filer): done → confirmed, rated 1 to 5 with an optional comment", tag="desk",
            result=TICKET, errors=(400, 404, 409), params=one,
            body=_obj(rating={"type": "integer", "minimum": 1, "maximum": 5}, comment="string"))},
        f"/{plural}/{{id}}/reopen": {"post": _op(
            "The return visit's other answer (the filer): not fixed, done → in_progress, back to the staff with "
            "the reason; the done time is cleared", tag="desk", result=TICKET, errors=(400, 404, 409),
            params=one, body=_obj(reason="string"))},
    }


DESK_PATHS = {
    "/desk/options": {"get": _op("Notice categories, repair categories with response and completion targets "
                                 "(hours), departments, statuses, rate targets", tag="desk")},
    "/notices": {
        "get": _op("Notices the caller may see, newest first; category filter and substring search q",
                   tag="desk", result=LIST, errors=(400,), params=BEFORE + [
                       {"name": "category", "in": "query", "schema": NOTICE_CATEGORY},
                       {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}}]),
        "post": _op("Publish a notice (staff): to the whole estate (no buildings) or to buildings; also posted "
                    "to the announcements room and the audience's notifications", tag="desk", ok=201,
                    errors=(400, 422), result=NOTICE,
                    body=_obj(title="string", body="string", category=NOTICE_CATEGORY,
                              buildings={"type": ["array", "null"], "items": {"type": "string"}},
                              must_acknowledge="boolean"))},
    "/notices/{id}": {"get": _op("A notice; a resident's first opening counts as read", tag="desk", result=NOTICE,
                                 errors=(404,), params=[_path_id("id")])},
    "/notices/{id}/acknowledge": {"post": _op(
        "Acknowledge a notice that asks for it (owners, residents); again changes nothing; 409 if it does not ask",
        tag="desk", errors=(404, 409), params=[_path_id("id")],
        result=_obj(notice_id="integer", acknowledged_at="string"))},
    "/notices/{id}/receipts": {"get": _op(
        "Reach per building (staff, committee): units, units read and acknowledged, readers; and the units not "
        "reached (a unit is reached when any of its residents acknowledged, or read if no acknowledgement is "
        "asked)", tag="desk", errors=(404,), params=[_path_id("id")],
        result=_obj(buildings={"type": "array"}, totals="object",
                    unreached={"type": "array", "items": _obj(unit="string", building="string",
                                                              registered="boolean")}))},
    **{path: ops for plural, kind in (("repairs", "repair"), ("complaints", "complaint"),
                                      ("suggestions", "suggestion"))
       for path, ops in _ticket_paths(plural, kind).items()},
    "/surveys": {
        "get": _op("Surveys, newest first, with whether the caller has answered", tag="desk", result=LIST,
                   params=BEFORE),
        "post": _op("Open a survey (staff or committee), answered once per user or once per unit", tag="desk",
                    ok=201, errors=(400,),
                    body=_obj(title="string", description="string", per={"enum": ["user", "unit"]},
                              closes_at="string", questions={"type": "array", "items": QUESTION_IN}))},
    "/surveys/{id}": {"get": _op("A survey with its questions", tag="desk", errors=(404,),
                                 params=[_path_id("id")])},
    "/surveys/{id}/responses": {"post": _op(
        "Answer (owners, residents): answers keyed by question id, an option index, a list of them, a rating 1-5 "
        "or text; unit for per-unit surveys. 409 for a second answer (by the user, or for the unit)", tag="desk",
        ok=201, errors=(400, 404, 409), params=[_path_id("id")],
        body=_obj(answers="object", unit="string"), result=_obj(id="integer", survey_id="integer"))},
    "/surveys/{id}/results": {"get": _op(
        "Counts and shares per option, rating averages and distributions, free texts; staff and committee any "
        "time, residents once closed", tag="desk", errors=(404,), params=[_path_id("id")])},
    "/surveys/{id}/close": {"post": _op("Close a survey (staff; the committee its own)", tag="desk",
                                        errors=(404, 409), params=[_path_id("id")])},
    "/figures": {"get": _op(
        "Service figures (staff, committee): satisfaction (ratings >= 4 over rated) and timeliness (done by the "
        "completion target over done) against 90% and 85%, by department, by category and per month",
        tag="desk", errors=(400,), params=FIGURE_ARGS,
        result={"type": "object", "properties": {
            **TALLY, "overdue_now": {"type": "integer"}, "targets": {"type": "object"},
            "by_department": {"type": "array", "items": {"type": "object", "properties": TALLY}},
            "by_category": {"type": "array", "items": {"type": "object", "properties": TALLY}},
            "monthly": {"type": "array", "items": {"type": "object", "properties": TALLY}}}})},
    "/figures/export.csv": {"get": {
        "summary": "The figures as CSV (UTF-8 with BOM): table=monthly, or table=requests (one row per request, "
                   "no names)", "tags": ["desk"],
        "parameters": FIGURE_ARGS + [{"name": "table", "in": "query", "schema": {"enum": ["monthly", "requests"]}}],
        "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                      **{str(s): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
                         for s in (400, 401, 403)}}}},
}


def _assembly_paths() -> dict:
    from ..votes.openapi import ASSEMBLY_PATHS  # imported late: it builds on this module's helpers
    return ASSEMBLY_PATHS
def _identity_paths() -> dict:
    from ..accounts.openapi import IDENTITY_PATHS  # imported late: it uses this module's helpers
    return IDENTITY_PATHS


def spec() -> dict:
    from ..fees.openapi import FEES_PATHS  # imported here: it builds on this module's helpers
    from ..fire.openapi import FIRE_PATHS  # imports this module's helpers: here, not at the top
    from ..fund.openapi import FUND_PATHS
    paths = {
        "/auth/register": {"post": _op("Apply for an account", tag="accounts", auth=False, ok=201,
                                       errors=(400, 403, 409),
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
        "/registrations/{id}/approve": {"post": _op(
            "Approve a registration; an owner claim the roster does not confirm needs a reason and "
            "as=unverified", tag="accounts", errors=(400, 404, 409), params=[_path_id("id")],
            body=_obj(reason="string", **{"as": {"enum": ["unverified"]}}))},
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
                               body=_obj(text="string", text_en="string", clauses={"type": "array"},
                                         policy="object"),
                               result=_obj(version="integer"))},
        "/rules/{version}": {"get": _op("One rules version", tag="rules", auth=False, errors=(404,),
                                        params=[_path_id("version")])},
        "/rules/{version}/adopt": {"post": _op("Adopt a drafted version (admin)", tag="rules", errors=(404, 409),
                                               params=[_path_id("version")], body=_obj(vote_id="integer"))},
        "/rules/policy": {"patch": _op("Edit the word lists and limits of the adopted version (staff)",
                                       tag="rules", errors=(400,), body={"type": "object"})},
        "/boards": {"get": _op("Boards and whether the caller may start threads", tag="boards", result=LIST)},
        "/boards/{slug}/threads": {
            "get": _op("Threads, pinned first, then by last activity", tag="boards", result=LIST, errors=(400, 404),
                       params=[_path_str("slug"), {"name": "before", "in": "query", "schema": {"type": "string"}},
                               PAGING[1]]),
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
        "/notifications": {"get": _op("Replies and mentions, newest first", tag="boards", result=LIST,
                                      errors=(400,), params=BEFORE)},
        "/notifications/read": {"post": _op("Mark notifications read (all, or the given ids)", tag="boards",
                                            errors=(400,), body=_obj(ids={"type": "array"}))},
        "/preview": {"post": _op("Render a text as publishing would (the editor's preview); nothing is stored",
                                 tag="boards", errors=(400, 429), body=_obj(body="string", kind="string"),
                                 result=_obj(body_html="string"))},
        "/search": {"get": _op("Search titles and posts; next is the after of the following page", tag="boards",
                               result=LIST, errors=(400,),
                               params=[{"name": "q", "in": "query", "required": True,
                                        "schema": {"type": "string", "maxLength": 100}}, PAGING[0], PAGING[1]])},
        "/reports": {"post": _op("Report a thread, post, message or user", tag="moderation", ok=201,
                                 errors=(400, 404, 409),
                                 body=_obj(target="string", clause="string", note="string",
                                           reason={"type": "string", "enum": ["abuse", "advertising", "rumour",
                                                                              "privacy", "other"]}))},
        "/audit": {"get": _op("The audit trail", tag="audit", result=LIST, params=PAGING)},
        "/audit/verify": {"get": _op("Check the hash chain", tag="audit",
                                     result=_obj(ok="boolean", entries="integer", first_bad_seq="integer"))},
        **VOTE_PATHS,
        **_assembly_paths(),
        **DESK_PATHS,
        **FIRE_PATHS,
        **FUND_PATHS,
        **FEES_PATHS,
        **_identity_paths(),
    }
    paths.update({
        "/chat/rooms": {"get": _op("Rooms the caller may read, with unread counts", tag="chat", result=LIST)},
        "/chat/rooms/{slug}/messages": {"get": _op("History; ?after=ID catches up, ?before=ID pages back",
                                                   tag="chat", result=LIST, errors=(404,),
                                                   params=[_path_str("slug")])},
        "/chat/rooms/{slug}/read": {"post": _op("Mark a room read", tag="chat", ok=204, errors=(404,),
                                                params=[_path_str("slug")])},
        "/chat/messages/{id}": {"delete": _op("Hide a message (staff; kept, audited)", tag="chat", ok=204,
                                              errors=(404,), params=[_path_id("id")])},
        "/chat/messages/{id}/approve": {"post": _op("Approve a held message (staff)", tag="chat", errors=(404,),
                                                    params=[_path_id("id")])},
        "/chat/desk": {"get": _op("Open front-desk conversations, longest waiting first", tag="chat",
                                  result=LIST)},
        "/chat/desk/{user_id}/close": {"post": _op("Close a front-desk conversation (staff)", tag="chat", ok=204,
                                                   errors=(404,), params=[_path_id("user_id")])},
        "/moderation/queue": {"get": _op("Open reports grouped by target, held and auto-hidden content",
                                         tag="moderation", result=LIST)},
        "/moderation/queue/claim": {"post": _op("Claim a queue item", tag="moderation", errors=(400, 404, 409),
                                                body=_obj(target="string"))},
        "/moderation/actions": {"post": _op("Act on content or a person; dismiss closes the open reports on a "
                                            "target and leaves it as it is", tag="moderation", ok=201,
                                            errors=(400, 404, 409),
                                            body=_obj(action={"enum": sorted(MODERATION_ACTIONS)}, target="string",
                                                      clause="string",
                                                      reason="string", hours="integer", reentry="string"),
                                            result=_obj(id="integer", sanction_id="integer"))},
        "/moderation/log": {"get": _op("Moderation actions with snapshots, newest first", tag="moderation",
                                       result=LIST, errors=(400,), params=BEFORE)},
        "/moderation/hidden": {"get": _op("Hidden content, who hid it and why", tag="moderation", result=LIST)},
        "/moderation/figures": {"get": _op("Monthly moderation figures", tag="moderation")},
        "/moderation/users/{id}/suggestion": {"get": _op("Next step on the escalation ladder", tag="moderation",
                                                         params=[_path_id("id")])},
        "/moderation/users/{id}/notes": {
            "get": _op("Moderator notes on a user", tag="moderation", result=LIST, params=[_path_id("id")]),
            "post": _op("Add a moderator note", tag="moderation", ok=201, errors=(400, 404),
                        params=[_path_id("id")], body=_obj(text="string"))},
        "/appeals": {
            "get": _op("Appeals (staff, committee)", tag="moderation", result=LIST),
            "post": _op("Appeal a sanction with phone and password (failures count as failed logins)",
                        tag="moderation", auth=False, ok=201, errors=(400, 401, 404, 409, 429),
                        body=_obj(phone="string", password="string", sanction_id="integer", text="string"))},
        "/appeals/{id}/decide": {"post": _op("Decide an appeal", tag="moderation", errors=(400, 404, 409),
                                             params=[_path_id("id")], body=_obj(outcome="string", reason="string"))},
        "/me/standing": {"get": _op("The caller's sanctions and appeals", tag="moderation")},
        "/appeals/mine": {"get": _op("The caller's own appeals: received, decided, outcome and reason",
                                     tag="moderation", result=LIST)},
    })
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
