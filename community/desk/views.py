"""The phone pages of the front desk: notices, repairs, complaints and suggestions, surveys, service figures."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select

from ..accounts.forms import ActionForm
from ..boards import media
from ..core import policy
from ..core.errors import AppError, Invalid, whole_number
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..core.web import actor, attach_error, login_required
from ..estate.models import Building
from ..extensions import db
from . import common, forms
from . import figures as figure_services
from . import notices as notice_services
from . import surveys as survey_services
from . import tickets as ticket_services
from .models import Ticket

bp = Blueprint("desk", __name__, url_prefix="/desk")

PLURALS = {"repairs": "repair", "complaints": "complaint", "suggestions": "suggestion"}
KIND_PATHS = {kind: plural for plural, kind in PLURALS.items()}
TICKETS = "<any(repairs, complaints, suggestions):plural>"
STEPS = {"accept": ticket_services.accept, "reassign": ticket_services.reassign, "start": ticket_services.start,
         "done": ticket_services.finish, "note": ticket_services.add_note, "confirm": ticket_services.confirm,
         "reopen": ticket_services.reopen}


def width_class(percent) -> str:
    """A bar's width as one of the classes w-0 … w-100 in steps of 5: the CSP allows no style attributes."""
    if not percent:
        return "w-0"
    return f"w-{min(100, max(5, round(percent / 5) * 5))}"


@bp.app_template_filter("bar")
def bar_filter(percent) -> str:
    return width_class(percent)


@bp.context_processor
def labels() -> dict:
    """Words for the codes the services use, for every desk template."""
    return {"desk_labels": {
        "notice": dict(forms.notice_categories()),
        "category": dict(forms.repair_categories()) | {"complaint": _("Complaint"), "suggestion": _("Suggestion")},
        "department": dict(forms.departments()) | {"unassigned": _("Not yet assigned")},
        "status": {s: ticket_services.status_label(s) for s in ticket_services.STATUSES},
        "kind": {"repair": _("Repair request"), "complaint": _("Complaint"), "suggestion": _("Suggestion")},
        "kinds": {"repairs": _("Repairs"), "complaints": _("Complaints"), "suggestions": _("Suggestions")},
        "action": {"filed": _("Filed"), "accepted": _("Accepted"), "assigned": _("Reassigned"),
                   "started": _("Work started"), "note": _("Note"), "done": _("Done"),
                   "confirmed": _("Confirmed by the resident"), "reopened": _("Not fixed: sent back by the resident")},
        "overdue": {"response": _("Not accepted in time"), "completion": _("Not done in time")},
    }}


# ---- the hub --------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def hub():
    me = actor()
    policy.require_member(me)
    notices, _next = notice_services.notices(me, limit=5)
    surveys, _next = survey_services.surveys(me, limit=20)
    counts = {}
    if policy.can(me, "ticket.list_all"):
        now = utcnow()
        counts = dict(db.session.execute(select(Ticket.kind, func.count(Ticket.id)).where(
            ticket_services.overdue_filter(now)).group_by(Ticket.kind)).all())
    return render_template("desk/hub.html", notices=notices, surveys=[s for s in surveys if s["open"]],
                           overdue=counts)


# ---- notices --------------------------------------------------------------------------------------

@bp.get("/notices")
@login_required
def notices():
    category = request.args.get("category") or None
    q = (request.args.get("q") or "").strip() or None
    error = None
    try:
        items, cursor = notice_services.notices(actor(), category=category, q=q,
                                                before=request.args.get("before", type=int))
    except Invalid as caught:
        items, cursor, error = [], None, caught.message
    return render_template("desk/notices.html", items=items, cursor=cursor, category=category, q=q or "",
                           error=error)


@bp.route("/notices/new", methods=["GET", "POST"])
@login_required
def new_notice():
    policy.require(actor(), "notice.post")
    form = forms.NoticeForm()
    codes = db.session.scalars(select(Building.code).order_by(Building.code))
    form.buildings.choices = forms.choices((code, _("Building %(b)s", b=code)) for code in codes)
    if form.validate_on_submit():
        try:
            notice = notice_services.post_notice(actor(), {
                "title": form.title.data, "body": form.body.data, "category": form.category.data,
                "buildings": form.buildings.data or None, "must_acknowledge": form.must_acknowledge.data})
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("The notice is published."))
            return redirect(url_for("desk.notice", notice_id=notice.id))
    return render_template("desk/notice_form.html", form=form)


@bp.get("/notices/<int:notice_id>")
@login_required
def notice(notice_id: int):
    page = notice_services.open_notice(actor(), notice_id)
    tracking = notice_services.receipts(actor(), notice_id) if page["can_track"] else None
    return render_template("desk/notice.html", notice=page, tracking=tracking, form=ActionForm())


@bp.post("/notices/<int:notice_id>/acknowledge")
@login_required
def acknowledge(notice_id: int):
    if ActionForm().validate_on_submit():
        notice_services.acknowledge(actor(), notice_id)
        flash(_("Thank you: your acknowledgement is recorded."))
    return redirect(url_for("desk.notice", notice_id=notice_id))


# ---- repairs, complaints, suggestions -------------------------------------------------------------

def _ticket_filters() -> dict:
    return {"scope": request.args.get("scope") or None, "status": request.args.get("status") or None,
            "overdue_only": request.args.get("overdue") == "1",
            "department": request.args.get("department") or None,
            "category": request.args.get("category") or None}


@bp.get(f"/{TICKETS}")
@login_required
def tickets(plural: str):
    kind = PLURALS[plural]
    filters = _ticket_filters()
    items, cursor = ticket_services.tickets(actor(), kind, before=request.args.get("before", type=int), **filters)
    oversee = policy.can(actor(), "ticket.list_all")
    return render_template("desk/tickets.html", plural=plural, kind=kind, items=items, cursor=cursor,
                           filters=filters, oversee=oversee,
                           scope=filters["scope"] or ("all" if oversee else "mine"),
                           can_file=policy.can(actor(), "ticket.file", kind))


@bp.route(f"/{TICKETS}/new", methods=["GET", "POST"])
@login_required
def new_ticket(plural: str):
    kind = PLURALS[plural]
    me = actor()
    policy.require(me, "ticket.file", kind)
    form = forms.TicketForm()
    if kind == "repair":
        del form.public
    else:
        del form.category
    form.unit.choices = forms.choices([(u.code, _("My home %(unit)s", unit=u.code)) for u in me.units] + [
        ("", _("A common area") if kind == "repair" else _("Not about a place"))])
    if form.validate_on_submit():
        try:
            photos = [media.upload(me, f.read()).id for f in (form.images.data or []) if f and f.filename]
            found = ticket_services.file_ticket(me, kind, {
                "category": form.category.data if kind == "repair" else None,
                "unit": form.unit.data or None, "common_area": form.common_area.data or None,
                "description": form.description.data, "public": None if kind == "repair" else form.public.data,
                "attachments": photos})
        except AppError as error:
            if error.field in ("file", "attachments"):
                form.images.errors = [*form.images.errors, error.message]
            else:
                attach_error(form, error)
        else:
            flash(_("Received. You can follow every step here."))
            return redirect(url_for("desk.ticket", plural=plural, ticket_id=found.id))
    return render_template("desk/ticket_form.html", form=form, plural=plural, kind=kind)


@bp.get(f"/{TICKETS}/<int:ticket_id>")
@login_required
def ticket(plural: str, ticket_id: int):
    kind = PLURALS[plural]
    page = ticket_services.ticket_page(actor(), kind, ticket_id)
    accept_form = forms.AcceptForm(prefix="accept")
    if page["department"]:
        accept_form.department.data = page["department"]
        accept_form.worker.data = page["worker"]
    return render_template("desk/ticket.html", t=page, plural=plural, kind=kind, accept_form=accept_form,
                           note_form=forms.NoteForm(prefix="note"), confirm_form=forms.ConfirmForm(prefix="confirm"),
                           reopen_form=forms.ReopenForm(prefix="reopen"))


@bp.post(f"/{TICKETS}/<int:ticket_id>/<any(accept, reassign, start, done, note, confirm, reopen):step>")
@login_required
def ticket_step(plural: str, ticket_id: int, step: str):
    kind = PLURALS[plural]
    if step in ("accept", "reassign"):
        form = forms.AcceptForm(prefix="accept")
        data = {"department": form.department.data, "worker": form.worker.data, "note": form.note.data}
    elif step == "confirm":
        form = forms.ConfirmForm(prefix="confirm")
        rating = form.rating.data
        data = {"rating": whole_number(rating), "comment": form.comment.data}
    elif step == "reopen":
        form = forms.ReopenForm(prefix="reopen")
        data = {"reason": form.reason.data}
    else:
        form = forms.NoteForm(prefix="note")
        data = {"note": form.note.data}
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    try:
        STEPS[step](actor(), kind, ticket_id, data)
    except AppError as error:
        if error.status in (401, 403, 404):
            raise
        flash(error.message, "error")
    else:
        flash(_("Saved."))
    return redirect(url_for("desk.ticket", plural=plural, ticket_id=ticket_id, _anchor="timeline"))


# ---- surveys --------------------------------------------------------------------------------------

@bp.get("/surveys")
@login_required
def surveys():
    items, cursor = survey_services.surveys(actor(), before=request.args.get("before", type=int))
    return render_template("desk/surveys.html", items=items, cursor=cursor,
                           can_create=policy.can(actor(), "survey.create"))


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
def new_survey():
    policy.require(actor(), "survey.create")
    form = forms.SurveyForm()
    if form.validate_on_submit():
        questions = [{"kind": q.kind.data, "text": q.text.data, "required": q.required.data,
                      "options": [line.strip() for line in (q.options.data or "").splitlines() if line.strip()]}
                     for q in form.questions if q.kind.data]
        closes_at = form.closes_at.data
        try:
            found = survey_services.create_survey(actor(), {
                "title": form.title.data, "description": form.description.data, "per": form.per.data,
                "questions": questions,
                "closes_at": closes_at.replace(tzinfo=common.estate_zone()).isoformat() if closes_at else None})
        except AppError as error:
            _survey_error(form, error)
        else:
            flash(_("The survey is open."))
            return redirect(url_for("desk.survey", survey_id=found.id))
    return render_template("desk/survey_form.html", form=form)


def _survey_error(form, error: AppError) -> None:
    """``questions[2].options`` is the third slot that is in use, which is not always the third on the page."""
    if error.field and error.field.startswith("questions["):
        used = [q for q in form.questions if q.kind.data]
        index = int(error.field[len("questions["):error.field.index("]")])
        name = error.field.split(".", 1)[1].split("[", 1)[0] if "." in error.field else "text"
        target = getattr(used[index], name, None) if index < len(used) else None
        if target is not None:
            target.errors = [*target.errors, error.message]
            return
    attach_error(form, error)


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@login_required
def survey(survey_id: int):
    action_form = ActionForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and action_form.validate_on_submit():
        page = survey_services.survey_page(actor(), survey_id)
        answers = {}
        for q in page["questions"]:
            name = f"q{q['id']}"
            if q["kind"] == "multiple":
                answers[str(q["id"])] = [n for n in map(whole_number, request.form.getlist(name)) if n is not None]
            elif q["kind"] in ("single", "rating"):
                raw = request.form.get(name, "")
                answers[str(q["id"])] = whole_number(raw)
            else:
                answers[str(q["id"])] = request.form.get(name, "")
        try:
            survey_services.answer(actor(), survey_id,
                                   {"answers": answers, "unit": request.form.get("unit") or None})
        except AppError as error:
            if error.status != 400:
                raise
            errors[error.field or ""] = error.message
        else:
            flash(_("Thank you for answering."))
            return redirect(url_for("desk.survey", survey_id=survey_id))
    page = survey_services.survey_page(actor(), survey_id)
    outcome = survey_services.results(actor(), survey_id) if page["can_see_results"] else None
    return render_template("desk/survey.html", survey=page, results=outcome, form=action_form, errors=errors,
                           given=request.form if request.method == "POST" else None)


@bp.post("/surveys/<int:survey_id>/close")
@login_required
def close_survey(survey_id: int):
    if ActionForm().validate_on_submit():
        survey_services.close_survey(actor(), survey_id)
        flash(_("The survey is closed."))
    return redirect(url_for("desk.survey", survey_id=survey_id))


# ---- service figures ------------------------------------------------------------------------------

def _figure_args() -> dict:
    months = request.args.get("months", type=int) or 12
    kind = request.args.get("kind") or None
    return {"months": min(max(months, 1), 36), "kind": kind if kind in ticket_services.KINDS else None}


@bp.get("/figures")
@login_required
def figures():
    args = _figure_args()
    data = figure_services.figures(actor(), **args)
    return render_template("desk/figures.html", f=data, args=args)


@bp.get("/figures.csv")
@login_required
def figures_csv():
    table = request.args.get("table", "monthly")
    body = figure_services.figures_csv(actor(), table=table, **_figure_args())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="service-figures-{table}.csv"'})
