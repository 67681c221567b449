"""The phone pages of fire safety: register and QR labels, rounds walked by scanning, hazard reports and their
ladder, the control-room roster, the monthly status, drills and the printable leaflet."""

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.forms import ActionForm
from ..core import policy
from ..core.errors import AppError, Invalid, NotFound, whole_number
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..core.web import actor, attach_error, login_required
from ..estate.models import Building
from ..extensions import db
from . import alerts, common, drills, forms, hazards, roster, services, status

bp = Blueprint("fire", __name__, url_prefix="/fire")


@bp.context_processor
def labels() -> dict:
    return {"fire_labels": {
        "kind": dict(forms.facility_kinds()), "hazard": dict(forms.hazard_kinds()),
        "frequency": {"daily": _("Daily"), "weekly": _("Weekly"), "monthly": _("Monthly"), "yearly": _("Yearly")},
        "round": {"open": _("Open"), "done": _("Done"), "overdue": _("Overdue")},
        "due": {"ok": _("In date"), "due_soon": _("Due soon"), "overdue": _("Past its date")},
        "condition": {"ok": _("Working"), "defective": _("Defective")},
        "hazard_status": {"reported": _("Reported"), "acknowledged": _("Acknowledged"),
                          "asked": _("Asked to remove"), "remains": _("Still there after re-check"),
                          "reported_to_authority": _("Reported to the authority"), "closed": _("Closed")},
        "step": {"reported": _("Reported"), "acknowledged": _("Acknowledged by the property staff"),
                 "asked": _("The person responsible was asked to remove it"),
                 "rechecked_cleared": _("Re-checked: cleared"), "rechecked_remains": _("Re-checked: still there"),
                 "reported_to_fire": _("Reported to the fire authority"),
                 "reported_to_police": _("Reported to the police station"), "closed": _("Closed")},
        "action": {"acknowledge": _("Acknowledge"), "ask": _("Record: asked to remove"),
                   "recheck": _("Record the re-check"), "report_authority": _("Record the report to the authority"),
                   "close": _("Close")},
        "history": {"registered": _("Registered"), "changed": _("Changed"), "checked_ok": _("Checked: OK"),
                    "defect": _("Defect found"), "repaired": _("Repaired"), "alerted": _("Date alert"),
                    "retired": _("Retired")},
        "slot": {"day": _("Day shift"), "night": _("Night shift")},
    }}


def _buildings() -> list[tuple[str, str]]:
    return [(c, _("Building %(b)s", b=c)) for c in db.session.scalars(select(Building.code).order_by(Building.code))]


def _today():
    return common.local_date(utcnow())


def _photo(form_field) -> int | None:
    data = form_field.data
    if data and getattr(data, "filename", ""):
        return common.upload(actor(), data.read())
    return None


@bp.get("/")
@login_required
def hub():
    me = actor()
    page = {"buildings": status.my_buildings(me), "hazards": hazards.hazards(me)[:5]}
    if policy.can(me, "fire.read"):
        page.update(alerts=alerts.alerts(me, limit=20), overdue=services.rounds(me, status="overdue", limit=20),
                    open_rounds=services.rounds(me, status="open", limit=20),
                    defects=services.defects(me, status="open", limit=20))
    return render_template("fire/hub.html", page=page)


# ---- register and labels --------------------------------------------------------------------------

@bp.get("/facilities")
@login_required
def facilities():
    building = request.args.get("building") or None
    after = whole_number(request.args.get("after", "0")) or 0
    rows = services.facilities(actor(), building=building, after=after, limit=100)
    today = _today()
    return render_template("fire/facilities.html", items=[services.serialize_facility(f, today) for f in rows],
                           building=building, buildings=_buildings(),
                           more=rows[-1].id if len(rows) == 100 else None)


@bp.route("/facilities/new", methods=["GET", "POST"])
@login_required
def new_facility():
    policy.require(actor(), "fire.manage")
    form = forms.FacilityForm()
    form.building.choices = forms.choices(_buildings())
    if form.validate_on_submit():
        try:
            found = services.register_facility(actor(), {
                "building": form.building.data, "floor": form.floor.data, "kind": form.kind.data,
                "location": form.location.data, "model": form.model.data or None,
                "capacity": form.capacity.data or None,
                "expires_on": form.expires_on.data.isoformat() if form.expires_on.data else None,
                "service_due_on": form.service_due_on.data.isoformat() if form.service_due_on.data else None})
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("Registered. Print its label from the label sheet."))
            return redirect(url_for("fire.facility", facility_id=found.id))
    return render_template("fire/facility_form.html", form=form)


@bp.get("/facilities/<int:facility_id>")
@login_required
def facility(facility_id: int):
    found = services.facility(actor(), facility_id)
    return render_template("fire/facility.html", f=services.serialize_facility(found, _today()),
                           history=services.history(actor(), facility_id), qr=_qr(found.code),
                           dates_form=forms.DatesForm(prefix="dates", obj=found),
                           retire_form=forms.RetireForm(prefix="retire"))


@bp.post("/facilities/<int:facility_id>/dates")
@login_required
def facility_dates(facility_id: int):
    form = forms.DatesForm(prefix="dates")
    if form.validate_on_submit():
        try:
            services.update_facility(actor(), facility_id, {
                "expires_on": form.expires_on.data.isoformat() if form.expires_on.data else None,
                "service_due_on": form.service_due_on.data.isoformat() if form.service_due_on.data else None})
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash(_("Dates saved."))
    else:
        flash(_("Give a date as YYYY-MM-DD."), "error")
    return redirect(url_for("fire.facility", facility_id=facility_id))


@bp.post("/facilities/<int:facility_id>/retire")
@login_required
def retire_facility(facility_id: int):
    if forms.RetireForm(prefix="retire").validate_on_submit():
        try:
            services.retire_facility(actor(), facility_id)
        except AppError as error:
            flash(error.message, "error")
        else:
            flash(_("Retired. It stays in the register's history."))
    else:
        flash(_("Tick the confirmation: this step cannot be undone."), "error")
    return redirect(url_for("fire.facility", facility_id=facility_id))


def _qr(code: str, endpoint: str = "fire.scan") -> Markup:
    """An inline SVG QR code that opens the endpoint for this code on the scanning phone."""
    import segno
    url = url_for(endpoint, code=code, _external=True)
    return Markup(segno.make(url, error="m").svg_inline(scale=3, title=code))


@bp.get("/labels")
@login_required
def label_sheet():
    building = request.args.get("building") or None
    floor = request.args.get("floor") or None
    policy.require(actor(), "fire.manage")
    rows = services.facilities(actor(), building=building, floor=floor, limit=200)
    return render_template("fire/labels.html", labels=[(f, _qr(f.code)) for f in rows], building=building,
                           floor=floor, buildings=_buildings())


@bp.route("/f/<code>", methods=["GET", "POST"])
@login_required
def scan(code: str):
    """Where a label's QR code leads: the check-in for staff on a round, what it is and a hazard report for
    everyone else."""
    me = actor()
    found = services.facility_by_code(actor(), code)
    form = None
    tasks = []
    if policy.can(me, "fire.manage"):
        tasks = services.open_tasks_for(me, found)
        form = forms.CheckForm()
        form.round_id.choices = forms.choices([(str(t["round_id"]), f"{t['route']} · {t['period']}")
                                               for t in tasks])
        if tasks and form.validate_on_submit():
            try:
                round_id = whole_number(form.round_id.data)
                services.check(me, round_id, {"facility_code": code, "result": form.result.data,
                                              "note": form.note.data or None, "attachment_id": _photo(form.photo)})
            except AppError as error:
                attach_error(form, error)
            else:
                flash(_("Recorded: OK.") if form.result.data == "ok" else
                      _("Defect recorded; a repair request has gone to engineering."))
                return redirect(url_for("fire.round_page", round_id=round_id))
    return render_template("fire/scan.html", f=services.serialize_facility(found, _today()), form=form,
                           tasks=tasks)


# ---- rounds ---------------------------------------------------------------------------------------

@bp.get("/rounds")
@login_required
def rounds():
    state = request.args.get("status") or None
    form = forms.PlanForm()
    form.building.choices = forms.choices(_buildings())
    return render_template("fire/rounds.html", items=services.rounds(actor(), status=state, limit=100), state=state,
                           plans=services.plans(actor()), form=form)


@bp.post("/plans")
@login_required
def new_plan():
    """A route of every facility of a building, floor by floor, and its plan: the common case in one step."""
    me = actor()
    policy.require(me, "fire.manage")
    form = forms.PlanForm()
    form.building.choices = forms.choices(_buildings())
    if not form.validate_on_submit():
        flash(_("The form has expired; please try again."), "error")
        return redirect(url_for("fire.rounds"))
    rows = sorted(services.facilities(me, building=form.building.data, limit=5000), key=lambda f: (f.floor, f.id))
    try:
        route = services.create_route(me, {"name": form.name.data, "building": form.building.data,
                                           "facility_ids": [f.id for f in rows]})
        services.create_plan(me, {"route_id": route.id, "frequency": form.frequency.data})
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(_("Plan saved; the scheduled jobs make its rounds."))
    return redirect(url_for("fire.rounds"))


@bp.get("/rounds/<int:round_id>")
@login_required
def round_page(round_id: int):
    return render_template("fire/round.html", r=services.round_page(actor(), round_id))


# ---- hazards --------------------------------------------------------------------------------------

@bp.get("/hazards")
@login_required
def hazard_list():
    scope = "all" if request.args.get("scope") == "all" and policy.can(actor(), "fire.read") else "mine"
    return render_template("fire/hazards.html", items=hazards.hazards(actor(), scope=scope), scope=scope)


@bp.route("/hazards/new", methods=["GET", "POST"])
@login_required
def new_hazard():
    me = actor()
    policy.require(me, "fire.hazard_report")
    form = forms.HazardForm()
    form.building.choices = forms.choices(_buildings())
    if request.method == "GET":
        form.building.data = (status.my_buildings(me) or [None])[0]
        form.spot.data = request.args.get("spot", "")[:120]
    if form.validate_on_submit():
        try:
            found = hazards.report(me, {"building": form.building.data, "kind": form.kind.data,
                                        "spot": form.spot.data, "description": form.description.data,
                                        "attachment_id": _photo(form.photo)})
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("Reported. You can follow every step here; other owners never see who reported it."))
            return redirect(url_for("fire.hazard", hazard_id=found.id))
    return render_template("fire/hazard_form.html", form=form)


@bp.get("/hazards/<int:hazard_id>")
@login_required
def hazard(hazard_id: int):
    found = hazards.hazard(actor(), hazard_id)
    return render_template("fire/hazard.html", h=hazards.serialize(found, actor(), full=True),
                           form=forms.StepForm())


@bp.post("/hazards/<int:hazard_id>/<step>")
@login_required
def hazard_step(hazard_id: int, step: str):
    form = forms.StepForm()
    if not form.validate_on_submit():
        flash(_("The form has expired; please try again."), "error")
        return redirect(url_for("fire.hazard", hazard_id=hazard_id))
    if step in ("report_authority", "close") and not form.confirm.data:
        flash(_("Tick the confirmation: this step cannot be undone."), "error")
        return redirect(url_for("fire.hazard", hazard_id=hazard_id))
    data = {"note": form.note.data or None}
    if step == "recheck":
        data["cleared"] = form.cleared.data == "yes"
    if step == "report_authority":
        data["authority"] = form.authority.data
    try:
        hazards.advance(actor(), hazard_id, step, data)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(_("Step recorded; the reporter can see it."))
    return redirect(url_for("fire.hazard", hazard_id=hazard_id))


@bp.get("/hazards/<int:hazard_id>/photo")
@login_required
def hazard_photo(hazard_id: int):
    found = hazards.hazard(actor(), hazard_id)
    if found.attachment_id is None:
        raise NotFound(_("Not found."))
    path, mime = common.photo_file(found.attachment_id)
    return send_file(path, mimetype=mime, max_age=0)


# ---- control room, status, drills -----------------------------------------------------------------

@bp.route("/roster", methods=["GET", "POST"])
@login_required
def control_room():
    me = actor()
    table = roster.roster(me, common.day(request.args.get("from"), "from"), 7)
    staff_form, shift_form = forms.StaffForm(prefix="staff"), forms.ShiftForm(prefix="shift")
    shift_form.staff_id.choices = forms.choices([(str(p["id"]), p["name"]) for p in table["staff"]])
    if request.method == "POST":
        try:
            if request.form.get("add") == "staff" and staff_form.validate_on_submit():
                roster.add_staff(me, {"name": staff_form.name.data,
                                      "certificate_no": staff_form.certificate_no.data or None,
                                      "certificate_expires_on": staff_form.certificate_expires_on.data.isoformat()
                                      if staff_form.certificate_expires_on.data else None})
                flash(_("Added to the control room."))
                return redirect(url_for("fire.control_room"))
            if request.form.get("add") == "shift" and shift_form.validate_on_submit():
                roster.assign(me, {"day": shift_form.day.data.isoformat(), "slot": shift_form.slot.data,
                                   "staff_id": whole_number(shift_form.staff_id.data)})
                flash(_("Put on the roster."))
                return redirect(url_for("fire.control_room", **{"from": shift_form.day.data.isoformat()}))
        except AppError as error:
            attach_error(staff_form if request.form.get("add") == "staff" else shift_form, error)
    return render_template("fire/roster.html", t=table, staff_form=staff_form, shift_form=shift_form)


@bp.get("/status")
@login_required
def estate_status():
    me = actor()
    if not policy.can(me, "fire.read"):
        mine = status.my_buildings(me)
        if not mine:
            raise NotFound(_("Not found."))
        return redirect(url_for("fire.building_status", code=mine[0]))
    return render_template("fire/status.html", s=status.estate_status(me, request.args.get("month")))


@bp.get("/status/<code>")
@login_required
def building_status(code: str):
    return render_template("fire/building_status.html", b=status.building_status(actor(), code,
                                                                                request.args.get("month")))


@bp.get("/drills")
@login_required
def drill_list():
    items = drills.drills(actor())
    qr = {d["id"]: _qr(d["checkin_code"], "fire.drill_checkin") for d in items if d.get("checkin_code")}
    plan_form = forms.DrillForm()
    plan_form.building.choices = forms.choices([("", _("Whole estate")), *_buildings()])
    return render_template("fire/drills.html", items=items, form=ActionForm(), qr=qr, plan_form=plan_form)


@bp.post("/drills/new")
@login_required
def plan_drill():
    me = actor()
    policy.require(me, "fire.manage")
    form = forms.DrillForm()
    form.building.choices = forms.choices([("", _("Whole estate")), *_buildings()])
    if form.validate_on_submit():
        try:
            drills.plan(me, {"building": form.building.data or None, "title": form.title.data,
                             "place": form.place.data,
                             "starts_at": form.starts_at.data.replace(tzinfo=common.zone()).isoformat()})
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash(_("Drill planned; residents can sign up."))
    else:
        flash(_("Fill in the title, place and time."), "error")
    return redirect(url_for("fire.drill_list"))


@bp.post("/drills/<int:drill_id>/signup")
@login_required
def sign_up(drill_id: int):
    if ActionForm().validate_on_submit():
        try:
            drills.sign_up(actor(), drill_id)
        except AppError as error:
            flash(error.message, "error")
        else:
            flash(_("You are signed up."))
    return redirect(url_for("fire.drill_list"))


@bp.post("/drills/<int:drill_id>/report")
@login_required
def drill_report(drill_id: int):
    if ActionForm().validate_on_submit():
        try:
            drills.write_report(actor(), drill_id, {"report": request.form.get("report")})
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash(_("Report saved."))
    return redirect(url_for("fire.drill_list"))


@bp.route("/drills/checkin/<code>", methods=["GET", "POST"])
@login_required
def drill_checkin(code: str):
    form = ActionForm()
    if form.validate_on_submit():
        try:
            drills.check_in(actor(), code)
        except AppError as error:
            flash(error.message, "error")
        else:
            flash(_("Attendance recorded. Thank you for taking part."))
            return redirect(url_for("fire.drill_list"))
    return render_template("fire/drill_checkin.html", form=form, code=code)


@bp.get("/leaflet.pdf")
@login_required
def leaflet():
    from weasyprint import HTML
    policy.require_member(actor())
    html = render_template("fire/leaflet.html")
    return Response(HTML(string=html, base_url=request.url_root).write_pdf(), mimetype="application/pdf",
                    headers={"Content-Disposition": "inline; filename=fire-safety-leaflet.pdf"})
