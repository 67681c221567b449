from flask import jsonify, request

from ..core.http import actor, api_blueprint, int_arg, json_body, requires
from ..core.timeutil import iso, utcnow
from . import alerts as fire_alerts
from . import common, drills, hazards, roster, services, status

bp = api_blueprint("fire_api")


def _today():
    return common.local_date(utcnow())


# ---- register -------------------------------------------------------------------------------------

@bp.get("/fire/facilities")
def facilities():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    rows = services.facilities(actor(), building=request.args.get("building") or None,
                               floor=request.args.get("floor") or None, kind=request.args.get("kind") or None,
                               after=int_arg("after", 0), limit=limit)
    today = _today()
    return jsonify({"items": [services.serialize_facility(f, today) for f in rows],
                    "next": rows[-1].id if len(rows) == limit else None})


@bp.post("/fire/facilities")
@requires("fire.manage")
def register_facility():
    found = services.register_facility(actor(), json_body())
    return jsonify(services.serialize_facility(found, _today())), 201


@bp.get("/fire/facilities/<int:facility_id>")
def facility(facility_id: int):
    found = services.facility(actor(), facility_id)
    data = services.serialize_facility(found, _today())
    data["history"] = services.history(actor(), facility_id)
    data["label_url"] = services.label_url(found.code)
    return jsonify(data)


@bp.patch("/fire/facilities/<int:facility_id>")
@requires("fire.manage")
def update_facility(facility_id: int):
    return jsonify(services.serialize_facility(services.update_facility(actor(), facility_id, json_body()),
                                               _today()))


@bp.post("/fire/facilities/<int:facility_id>/retire")
@requires("fire.manage")
def retire_facility(facility_id: int):
    return jsonify(services.serialize_facility(services.retire_facility(actor(), facility_id), _today()))


@bp.get("/fire/scan/<code>")
def scan(code: str):
    """What a QR label names, and for staff the rounds waiting for it."""
    from ..core import policy
    found = services.facility_by_code(actor(), code)
    data = {"code": found.code, "kind": found.kind, "building": found.building.code, "floor": found.floor,
            "location": found.location}
    if policy.can(actor(), "fire.read"):
        data["facility"] = services.serialize_facility(found, _today())
    if policy.can(actor(), "fire.manage"):
        data["open_tasks"] = services.open_tasks_for(actor(), found)
    return jsonify(data)


@bp.get("/fire/alerts")
def alerts():
    return jsonify({"items": fire_alerts.alerts(actor()), "next": None})


# ---- routes, plans, rounds, defects ---------------------------------------------------------------

@bp.get("/fire/routes")
def routes():
    return jsonify({"items": services.routes(actor()), "next": None})


@bp.post("/fire/routes")
@requires("fire.manage")
def create_route():
    route = services.create_route(actor(), json_body())
    return jsonify({"id": route.id, "name": route.name}), 201


@bp.get("/fire/plans")
def plans():
    return jsonify({"items": services.plans(actor()), "next": None})


@bp.post("/fire/plans")
@requires("fire.manage")
def create_plan():
    plan = services.create_plan(actor(), json_body())
    return jsonify({"id": plan.id, "route_id": plan.route_id, "frequency": plan.frequency}), 201


@bp.get("/fire/rounds")
def rounds():
    limit = int_arg("limit", 50, minimum=1, maximum=200)
    items = services.rounds(actor(), status=request.args.get("status") or None, before=int_arg("before"),
                            limit=limit)
    return jsonify({"items": items, "next": items[-1]["id"] if len(items) == limit else None})


@bp.get("/fire/rounds/<int:round_id>")
def round_(round_id: int):
    return jsonify(services.round_page(actor(), round_id))


@bp.post("/fire/rounds/<int:round_id>/checks")
@requires("fire.manage")
def check(round_id: int):
    task = services.check(actor(), round_id, json_body())
    defect = services.defect_for_task(task.id)
    return jsonify({"task_id": task.id, "result": task.result, "checked_at": iso(task.checked_at),
                    "defect": services.serialize_defect(defect, _today()) if defect else None}), 201


@bp.get("/fire/defects")
def defects():
    return jsonify({"items": services.defects(actor(), status=request.args.get("status") or None), "next": None})


@bp.get("/fire/defects/<int:defect_id>")
def defect(defect_id: int):
    return jsonify(services.serialize_defect(services.defect(actor(), defect_id), _today()))


@bp.post("/fire/defects/<int:defect_id>/repaired")
@requires("fire.manage")
def repaired(defect_id: int):
    return jsonify(services.serialize_defect(services.mark_repaired(actor(), defect_id, json_body()), _today()))


# ---- hazards --------------------------------------------------------------------------------------

@bp.get("/fire/hazards")
def hazard_list():
    items = hazards.hazards(actor(), scope=request.args.get("scope") or "mine",
                            status=request.args.get("status") or None)
    return jsonify({"items": items, "next": None})


@bp.post("/fire/hazards")
@requires("fire.hazard_report")
def report_hazard():
    found = hazards.report(actor(), json_body())
    return jsonify(hazards.serialize(found, actor(), full=True)), 201


@bp.get("/fire/hazards/<int:hazard_id>")
def hazard(hazard_id: int):
    return jsonify(hazards.serialize(hazards.hazard(actor(), hazard_id), actor(), full=True))


@bp.post("/fire/hazards/<int:hazard_id>/<step>")
def hazard_step(hazard_id: int, step: str):
    found = hazards.advance(actor(), hazard_id, step, json_body())
    return jsonify(hazards.serialize(found, actor(), full=True))


# ---- control room ---------------------------------------------------------------------------------

@bp.get("/fire/roster")
def roster_():
    start = common.day(request.args.get("from"), "from")
    return jsonify(roster.roster(actor(), start, int_arg("days", 7, minimum=1, maximum=62)))


@bp.post("/fire/staff")
@requires("fire.manage")
def add_staff():
    person = roster.add_staff(actor(), json_body())
    return jsonify(roster.serialize_staff(person, _today())), 201


@bp.post("/fire/shifts")
@requires("fire.manage")
def assign():
    shift = roster.assign(actor(), json_body())
    return jsonify({"id": shift.id, "day": shift.day.isoformat(), "slot": shift.slot,
                    "staff_id": shift.staff_id}), 201


# ---- status and drills ----------------------------------------------------------------------------

@bp.get("/fire/status")
def estate_status():
    return jsonify(status.estate_status(actor(), request.args.get("month")))


@bp.get("/fire/status/<code>")
def building_status(code: str):
    return jsonify(status.building_status(actor(), code, request.args.get("month")))


@bp.get("/fire/drills")
def drill_list():
    return jsonify({"items": drills.drills(actor()), "next": None})


@bp.post("/fire/drills")
@requires("fire.manage")
def plan_drill():
    return jsonify(drills.serialize(drills.plan(actor(), json_body()), actor())), 201


@bp.post("/fire/drills/<int:drill_id>/signup")
@requires("fire.drill_join")
def sign_up(drill_id: int):
    drills.sign_up(actor(), drill_id)
    return jsonify(drills.serialize(drills.drill(actor(), drill_id), actor()))


@bp.post("/fire/drills/checkin/<code>")
@requires("fire.drill_join")
def drill_checkin(code: str):
    found = drills.check_in(actor(), code)
    return jsonify(drills.serialize(found, actor()))


@bp.post("/fire/drills/<int:drill_id>/report")
@requires("fire.manage")
def drill_report(drill_id: int):
    return jsonify(drills.serialize(drills.write_report(actor(), drill_id, json_body()), actor()))
