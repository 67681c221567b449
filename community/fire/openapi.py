"""The fire-safety paths of the OpenAPI document (imported by ``community.api.openapi.spec``)."""

from ..api.openapi import LIST, _obj, _op, _path_id, _path_str

TAG = "fire"
ONE = [_path_id("id")]
DAY = {"type": "string", "format": "date"}
FACILITY = _obj(id="integer", code="string", ref="string", building="string", floor="string", kind="string",
                location="string", model="string", capacity="string", expires_on=DAY, service_due_on=DAY,
                condition={"enum": ["ok", "defective"]}, due={"enum": ["ok", "due_soon", "overdue"]},
                retired="boolean")
FACILITY_IN = _obj(building="string", floor="string", location="string", model="string", capacity="string",
                   expires_on=DAY, service_due_on=DAY,
                   kind={"enum": ["extinguisher", "hydrant", "hose_reel", "alarm_zone", "sprinkler_zone",
                                  "emergency_light", "exit_sign", "fire_door", "smoke_extraction", "control_room"]})
ROUND = _obj(id="integer", plan_id="integer", route="string", frequency="string", period="string",
             starts_at="string", due_at="string", status={"enum": ["open", "done", "overdue"]}, done_at="string",
             on_time="boolean", tasks="integer", checked="integer")
DEFECT = _obj(id="integer", ref={"type": "string", "example": "fire_defect:12"}, facility=FACILITY,
              description="string", status={"enum": ["open", "repaired"]}, ticket_id={"type": ["integer", "null"]},
              repair={"enum": ["filed", "pending"]}, photo="boolean", created_at="string", repaired_at="string")
HAZARD = _obj(id="integer", kind="string", building="string", spot="string", status={"enum": [
    "reported", "acknowledged", "asked", "remains", "reported_to_authority", "closed"]}, repeated="boolean",
    earlier_reports="integer", description="string", reporter={"type": ["object", "null"]},
    steps={"type": "array", "items": _obj(step="string", note="string", at="string")},
    next_steps={"type": "array", "items": {"type": "string"}})
STATUS = _obj(building="string", month="string", facilities=_obj(total="integer", ok="integer",
                                                                  defective="integer", overdue="integer"),
              rounds=_obj(due="integer", on_time="integer", overdue="integer", late="integer"),
              hazards=_obj(reported="integer", closed="integer", open="integer", repeated_open="integer"),
              last_drill_at={"type": ["string", "null"]})
DRILL = _obj(id="integer", title="string", place="string", building={"type": ["string", "null"]},
             starts_at="string", report="string", signed_up="integer", attended="integer", me="object",
             can_sign_up="boolean", checkin_code="string")
MONTH = [{"name": "month", "in": "query", "schema": {"type": "string", "example": "2026-12"}}]


def _q(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "schema": schema}


FIRE_PATHS = {
    "/fire/facilities": {
        "get": _op("The facility register (staff, committee), by building, floor and kind", tag=TAG, result=LIST,
                   params=[_q("building", {"type": "string"}), _q("floor", {"type": "string"}),
                           _q("kind", {"type": "string"}), _q("after", {"type": "integer"}),
                           _q("limit", {"type": "integer"})], errors=(400,)),
        "post": _op("Register a facility (staff); it gets a label code for its QR label", tag=TAG, ok=201,
                    body=FACILITY_IN, result=FACILITY, errors=(400,))},
    "/fire/facilities/{id}": {
        "get": _op("A facility with its history and label URL (staff, committee)", tag=TAG, result=FACILITY,
                   params=ONE, errors=(404,)),
        "patch": _op("Change a facility (staff): e.g. a new expiry date after a refill", tag=TAG, result=FACILITY,
                     body=FACILITY_IN, params=ONE, errors=(400, 404))},
    "/fire/facilities/{id}/retire": {"post": _op("Retire a facility (staff); kept in the register's history",
                                                 tag=TAG, result=FACILITY, params=ONE, errors=(404, 409))},
    "/fire/scan/{code}": {"get": _op(
        "What a QR label names; staff also get the rounds waiting for it (open_tasks)", tag=TAG,
        params=[_path_str("code")], errors=(404,))},
    "/fire/alerts": {"get": _op("Expiry and service dates within the warning window (staff, committee)", tag=TAG,
                                result=LIST)},
    "/fire/routes": {
        "get": _op("Inspection routes", tag=TAG, result=LIST),
        "post": _op("A route of facilities in walking order (staff)", tag=TAG, ok=201, errors=(400,),
                    body=_obj(name="string", building="string",
                              facility_ids={"type": "array", "items": {"type": "integer"}}))},
    "/fire/plans": {
        "get": _op("Inspection plans", tag=TAG, result=LIST),
        "post": _op("A plan over a route (staff); the scheduled jobs make each period's round", tag=TAG, ok=201,
                    errors=(400,), body=_obj(route_id="integer",
                                             frequency={"enum": ["daily", "weekly", "monthly", "yearly"]}))},
    "/fire/rounds": {"get": _op("Rounds, newest first (staff, committee); status=overdue lists the skipped ones",
                                tag=TAG, result=LIST, errors=(400,),
                                params=[_q("status", {"enum": ["open", "done", "overdue"]}),
                                        _q("before", {"type": "integer"}), _q("limit", {"type": "integer"})])},
    "/fire/rounds/{id}": {"get": _op("A round with its tasks", tag=TAG, result=ROUND, params=ONE, errors=(404,))},
    "/fire/rounds/{id}/checks": {"post": _op(
        "Check in at a facility of the round (staff), by its label code: ok, or defect with a note and an "
        "attachment_id from /attachments; a defect opens one repair request (engineering) at the front desk",
        tag=TAG, ok=201, params=ONE, errors=(400, 404, 409),
        body=_obj(facility_code="string", facility_id="integer", result={"enum": ["ok", "defect"]},
                  note="string", attachment_id="integer"),
        result=_obj(task_id="integer", result="string", checked_at="string", defect=DEFECT))},
    "/fire/defects": {"get": _op("Defects (staff, committee)", tag=TAG, result=LIST, errors=(400,),
                                 params=[_q("status", {"enum": ["open", "repaired"]})])},
    "/fire/defects/{id}": {"get": _op("A defect; other domains refer to it as fire_defect:ID", tag=TAG,
                                      result=DEFECT, params=ONE, errors=(404,))},
    "/fire/defects/{id}/repaired": {"post": _op("Mark a defect repaired (staff)", tag=TAG, result=DEFECT,
                                                params=ONE, errors=(404, 409), body=_obj(note="string"))},
    "/fire/hazards": {
        "get": _op("Hazard reports: the caller's own, or scope=all (staff, committee)", tag=TAG, result=LIST,
                   errors=(400,), params=[_q("scope", {"enum": ["mine", "all"]}), _q("status", {"type": "string"})]),
        "post": _op("Report a hazard (owners, residents); a spot reported before is flagged as repeated", tag=TAG,
                    ok=201, result=HAZARD, errors=(400,), body=_obj(
                        building="string", spot="string", description="string", attachment_id="integer",
                        kind={"enum": ["blocked_fire_lane", "blocked_escape_route", "ebike_charging",
                                       "extinguisher_missing", "fire_door_locked", "other"]}))},
    "/fire/hazards/{id}": {"get": _op("A hazard report with every step (the reporter, staff, committee)",
                                      tag=TAG, result=HAZARD, params=ONE, errors=(404,))},
    "/fire/hazards/{id}/{step}": {"post": _op(
        "The next rung (staff): acknowledge → ask (note: whom) → recheck (cleared: bool) → report_authority "
        "(authority: fire|police, note) → close; out of order → 409", tag=TAG, result=HAZARD,
        params=ONE + [_path_str("step")], errors=(400, 404, 409),
        body=_obj(note="string", cleared="boolean", authority={"enum": ["fire", "police"]}))},
    "/fire/roster": {"get": _op(
        "The control room's shifts with certified counts against the minimum, gaps and expiring certificates",
        tag=TAG, errors=(400,), params=[_q("from", DAY), _q("days", {"type": "integer", "maximum": 62})])},
    "/fire/staff": {"post": _op("Register a control-room person with their certificate (staff)", tag=TAG, ok=201,
                                errors=(400,), body=_obj(name="string", certificate_no="string",
                                                         certificate_expires_on=DAY))},
    "/fire/shifts": {"post": _op("Put a person on a shift (staff)", tag=TAG, ok=201, errors=(400, 409),
                                 body=_obj(day=DAY, slot={"enum": ["day", "night"]}, staff_id="integer"))},
    "/fire/status": {"get": _op("Every building's month and every overdue item (staff, committee)", tag=TAG,
                                params=MONTH, errors=(400,))},
    "/fire/status/{code}": {"get": _op("One building's month (its residents, staff, committee)", tag=TAG,
                                       result=STATUS, params=[_path_str("code")] + MONTH, errors=(400, 404))},
    "/fire/drills": {
        "get": _op("Drills for the caller's buildings and the estate", tag=TAG, result=LIST),
        "post": _op("Plan a drill (staff)", tag=TAG, ok=201, result=DRILL, errors=(400,),
                    body=_obj(building="string", title="string", place="string", starts_at="string"))},
    "/fire/drills/{id}/signup": {"post": _op("Sign up (owners, residents)", tag=TAG, result=DRILL, params=ONE,
                                             errors=(404, 409))},
    "/fire/drills/checkin/{code}": {"post": _op("Attendance by the drill's QR code, on the day", tag=TAG,
                                                result=DRILL, params=[_path_str("code")], errors=(404, 409))},
    "/fire/drills/{id}/report": {"post": _op("The short report after the drill (staff)", tag=TAG, result=DRILL,
                                             params=ONE, errors=(400, 404), body=_obj(report="string"))},
}
