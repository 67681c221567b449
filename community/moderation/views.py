"""The moderation pages: a person's standing and appeal, the staff's review queue and appeals, and the
committee's read-only oversight. Every write goes through the moderation services."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..accounts.services import public_cards
from ..core import policy
from ..core.errors import AppError, Conflict, Invalid
from ..core.i18n import gettext as _
from ..core.web import actor, attach_error, login_required
from ..extensions import db
from ..rules import services as rules
from . import appeals, review, sanctions, services
from .models import Sanction

bp = Blueprint("moderation", __name__)

CONTENT_CHOICES = [SelectChoice("", _l("Leave it as it is")), SelectChoice("hide", _l("Hide")),
                   SelectChoice("approve", _l("Approve")), SelectChoice("restore", _l("Restore")),
                   SelectChoice("lock", _l("Lock the thread")), SelectChoice("unlock", _l("Unlock the thread")),
                   SelectChoice("pin", _l("Pin the thread")), SelectChoice("unpin", _l("Unpin the thread")),
                   SelectChoice("dismiss", _l("Keep it: dismiss the reports"))]
SANCTION_CHOICES = [SelectChoice("", _l("No sanction")), SelectChoice("warn", _l("Warn")),
                    SelectChoice("mute", _l("Mute")), SelectChoice("suspend", _l("Suspend")),
                    SelectChoice("blacklist", _l("Blacklist"))]
TIMED = ("mute", "suspend")
OVERSIGHT_TABS = ("log", "hidden", "registrations", "appeals", "notes", "figures")


class AppealForm(FlaskForm):
    """The sanction comes from the address and the person from their sign-in or appellant's pass."""
    text = TextAreaField(_l("Why should the decision be reviewed?"), validators=[DataRequired(), Length(max=4000)])


class ActForm(FlaskForm):
    """One decision on a queue item: what happens to the content, a sanction for its author, or both."""
    target = HiddenField(validators=[DataRequired()])
    action = SelectField(_l("The content"), choices=CONTENT_CHOICES, default="")
    sanction = SelectField(_l("Sanction for the author"), choices=SANCTION_CHOICES, default="")
    clause = SelectField(_l("Clause of the rules"), validate_choice=False)
    reason = TextAreaField(_l("Reason (recorded; a sanctioned person is shown it)"),
                           validators=[DataRequired(), Length(max=1000)])
    hours = IntegerField(_l("Hours (mute or suspension)"),
                         validators=[Optional(), NumberRange(min=1, max=services.MAX_HOURS)])
    reentry = TextAreaField(_l("Conditions for re-entry (blacklist)"), validators=[Optional(), Length(max=1000)])


class TargetForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])


class NoteForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    text = TextAreaField(_l("Note for staff and committee"), validators=[DataRequired(), Length(max=2000)])


class DecideForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[SelectChoice("upheld", _l("Uphold the sanction")),
                                                  SelectChoice("lifted", _l("Lift the sanction"))],
                         validate_choice=False, validators=[InputRequired(message=_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason (the person is shown it)"), validators=[DataRequired(), Length(max=1000)])


@bp.app_template_global()
def rules_clauses() -> dict[str, str]:
    """Clause number -> text of the current rules, for pages that cite a clause."""
    current = rules.current()
    return {c["id"]: c["text"] for c in (current.clauses if current else [])}


def _clause_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No clause"))] + [
        SelectChoice(cid, f"{cid} {text[:40]}{'…' if len(text) > 40 else ''}") for cid, text in rules_clauses().items()]


# ---- the person's side ----------------------------------------------------------------------------

@bp.get("/appeal")
def appeal_start():
    """Appeals start from the sanction: the standing page, or the restricted page after logging in."""
    if actor() is not None:
        return redirect(url_for("moderation.standing"))
    if appeals.pass_holder() is not None:
        return redirect(url_for("moderation.barred"))
    flash(_("Log in first: a restricted account is shown its sanction there, with the way to appeal."))
    return redirect(url_for("accounts.login"))


@bp.route("/appeal/<int:sanction_id>", methods=["GET", "POST"])
def appeal_form(sanction_id: int):
    """Nothing to retype: the person is the one signed in, or holds the pass the login page gave them."""
    me = actor() or appeals.pass_holder()
    if me is None:
        return redirect(url_for("moderation.appeal_start"))
    back = url_for("moderation.standing") if actor() is not None else url_for("moderation.barred")
    sanction = appeals.sanction_of(me, sanction_id)
    if sanction["appeal"] is not None:
        return redirect(back)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            appeals.lodge(me, sanction_id, form.text.data)
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("Your appeal is received. Staff will decide and give a reason; you see it here."))
            return redirect(back)
    return render_template("moderation/appeal.html", form=form, sanction=sanction, back=back)


@bp.get("/barred")
def barred():
    """The one page a suspended or blacklisted person reaches: their restriction and their appeals."""
    me = appeals.pass_holder()
    if me is None:
        return redirect(url_for("accounts.login"))
    from ..accounts.services import check_standing
    try:
        check_standing(me)
    except AppError as error:
        if error.code in ("suspended", "blacklisted"):
            return barred_page(me, error)
    appeals.end_pass()
    flash(_("Your account is no longer restricted: log in again."))
    return redirect(url_for("accounts.login"))


def barred_page(user, error):
    """Also answered by the login page, with its 403, when a restricted person signs in."""
    sanction_id = error.extra.get("sanction_id")
    appeal = appeals.sanction_of(user, sanction_id)["appeal"] if sanction_id else None
    return render_template("accounts/barred.html", error=error, appeal=appeal, appeals=appeals.mine(user)), 403


@bp.get("/standing")
@login_required
def standing():
    return render_template("moderation/standing.html", standing=services.standing(actor()))


# ---- the staff's review queue ---------------------------------------------------------------------

@bp.get("/staff/moderation")
@login_required
def queue():
    policy.require(actor(), "moderation.act")
    return _queue_page()


def _queue_page(failed: ActForm | None = None):
    items = review.queue(actor())
    people = public_cards({i["author_id"] for i in items} | {i["claimed_by"] for i in items})
    clauses = _clause_choices()
    for item in items:
        item["author"] = people.get(item["author_id"])
        item["can_sanction"] = policy.may_sanction(actor(), item["author"])
    suggested = sanctions.suggestions(i["author"]["id"] for i in items if i["can_sanction"])
    for item in items:
        item["suggestion"] = suggested[item["author"]["id"]] if item["can_sanction"] else None
        item["claimer"] = people.get(item["claimed_by"])
        if failed is not None and failed.target.data == item["target"]:
            form, failed = failed, None
        else:
            hours = item["suggestion"]["hours"] if item["suggestion"] else None
            form = ActForm(formdata=None, data={"target": item["target"], "hours": hours})
        applicable = set(_content_actions(item))
        form.action.choices = [c for c in CONTENT_CHOICES if not c.value or c.value in applicable]
        form.sanction.choices = SANCTION_CHOICES if item["suggestion"] else SANCTION_CHOICES[:1]
        form.clause.choices = clauses
        item["form"] = form
    if failed is not None:  # the item left the queue meanwhile (another decision)
        _flash_errors(failed)
    return render_template("moderation/queue.html", items=items)


def _flash_errors(form: FlaskForm) -> None:
    """A refused form whose item is no longer on the page: its errors go above the list."""
    for message in form.form_errors + [e for f in form for e in f.errors]:
        flash(message, "error")


def _content_actions(item: dict) -> list[str]:
    """The content actions that change something about this item."""
    reported = ["dismiss"] if item["reports"] else []
    if item["kind"] == "user":
        return reported
    actions = {"held": ["approve", "hide"], "visible": ["hide"], "hidden": ["restore"]}.get(item["status"], [])
    if item["kind"] == "thread":
        actions += ["unlock" if item["locked"] else "lock", "unpin" if item["pinned"] else "pin"]
    return actions + reported


@bp.post("/staff/moderation/act")
@login_required
def act():
    policy.require(actor(), "moderation.act")
    form = ActForm()
    form.clause.choices = _clause_choices()
    if form.validate_on_submit():
        if not form.action.data and not form.sanction.data:
            form.form_errors.append(_("Choose what happens to the content, to its author, or both."))
        elif form.action.data == "dismiss" and form.sanction.data:
            form.form_errors.append(_("Dismissing the reports means no sanction."))
        elif _decide(form):
            flash(_("Decision recorded for %(target)s.", target=form.target.data))
            return redirect(url_for("moderation.queue"))
    return _queue_page(failed=form)


def _decide(form: ActForm) -> bool:
    """The sanction first (it asks the most of the form), then the content action, each through the service."""
    common = {"target": form.target.data, "clause": form.clause.data or None, "reason": form.reason.data}
    steps = []
    if form.sanction.data:
        steps.append(common | {"action": form.sanction.data,
                               "hours": form.hours.data if form.sanction.data in TIMED else None,
                               "reentry": (form.reentry.data or None) if form.sanction.data == "blacklist" else None})
    if form.action.data:
        steps.append(common | {"action": form.action.data})
    for done, step in enumerate(steps):
        try:
            services.act(actor(), step)
        except (Invalid, Conflict) as error:
            if done:
                flash(_("The sanction was applied; the action on the content was not."), "error")
            if error.field in ("clause", "reason", "hours", "reentry"):
                attach_error(form, error)
            else:
                form.form_errors.append(error.message)
            return False
    return True


@bp.post("/staff/moderation/claim")
@login_required
def claim():
    policy.require(actor(), "moderation.act")
    form = TargetForm()
    if form.validate_on_submit():
        try:
            review.claim(actor(), form.target.data)
        except (Invalid, Conflict) as error:
            flash(error.message, "error")
        else:
            flash(_("You are handling %(target)s for the next %(n)s minutes.", target=form.target.data,
                    n=review.CLAIM_MINUTES))
    return redirect(url_for("moderation.queue", _anchor=f"item-{(form.target.data or '').replace(':', '-')}"))


@bp.post("/staff/moderation/notes")
@login_required
def add_note():
    policy.require(actor(), "moderation.act")
    form = NoteForm()
    if form.validate_on_submit() and form.user_id.data.isascii() and form.user_id.data.isdigit():
        try:
            services.add_note(actor(), int(form.user_id.data), form.text.data)
        except (Invalid, Conflict) as error:
            flash(error.message, "error")
        else:
            flash(_("Note saved."))
    else:
        flash(_("Write a note of at most 2000 characters."), "error")
    return redirect(url_for("moderation.queue"))


# ---- appeals, for staff ---------------------------------------------------------------------------

@bp.get("/staff/appeals")
@login_required
def staff_appeals():
    policy.require(actor(), "moderation.act")
    return _appeals_page(request.args.get("status", "open"))


def _appeals_page(status: str, failed: tuple[int, DecideForm] | None = None):
    if status not in ("open", "upheld", "lifted"):
        status = "open"
    items = _appeal_cards(services.appeals(actor(), status))
    for item in items:
        if failed and failed[0] == item["id"]:
            item["form"], failed = failed[1], None
        else:
            item["form"] = DecideForm(formdata=None)
    if failed:  # decided meanwhile, or no such appeal
        _flash_errors(failed[1])
    return render_template("moderation/appeals.html", items=items, status=status)


def _appeal_cards(rows) -> list[dict]:
    found = {s.id: s for s in db.session.scalars(
        select(Sanction).where(Sanction.id.in_([a.sanction_id for a in rows])))}
    people = public_cards({a.user_id for a in rows} | {a.decided_by_id for a in rows} |
                     {s.created_by_id for s in found.values()})
    clauses = rules_clauses()
    cards = []
    for a in rows:
        sanction = found[a.sanction_id]
        cards.append(services.serialize_appeal(a) | {
            "person": people.get(a.user_id), "decided_by": people.get(a.decided_by_id),
            "sanction": services.serialize_sanction(sanction) | {
                "clause_text": clauses.get(sanction.clause), "given_by": people.get(sanction.created_by_id)}})
    return cards


@bp.post("/staff/appeals/<int:appeal_id>/decide")
@login_required
def decide_appeal(appeal_id: int):
    policy.require(actor(), "moderation.act")
    form = DecideForm()
    if form.validate_on_submit():
        try:
            decided = services.decide_appeal(actor(), appeal_id, form.outcome.data, form.reason.data)
        except (Invalid, Conflict) as error:
            attach_error(form, error)
        else:
            flash(_("Appeal decided: the sanction is lifted.") if decided.status == "lifted"
                  else _("Appeal decided: the sanction stands."))
            return redirect(url_for("moderation.staff_appeals"))
    return _appeals_page("open", failed=(appeal_id, form))


# ---- oversight, read-only: the committee (and staff) ----------------------------------------------

@bp.get("/committee/moderation")
@login_required
def oversight():
    policy.require(actor(), "moderation.read")
    tab = request.args.get("tab", "log")
    if tab not in OVERSIGHT_TABS:
        tab = "log"
    context = {"tab": tab}
    if tab == "log":
        entries = services.log(actor(), before=request.args.get("before", type=int), limit=50)
        context |= {"entries": entries, "older": entries[-1]["id"] if len(entries) == 50 else None,
                    "people": public_cards({e["actor_id"] for e in entries} |
                                      {e["snapshot"].get("author_id") or e["snapshot"].get("user_id")
                                       for e in entries})}
    elif tab == "hidden":
        items = review.hidden(actor())
        context |= {"items": items, "people": public_cards({i["author_id"] for i in items} |
                                                      {i["hidden_by"] for i in items})}
    elif tab == "appeals":
        context["items"] = _appeal_cards(services.appeals(actor()))
    elif tab == "notes":
        user_id = request.args.get("user", type=int)
        context |= {"user_id": user_id, "subject": public_cards({user_id}).get(user_id)}
        if user_id:
            items = services.notes(actor(), user_id)
            context |= {"items": items, "people": public_cards({n["author_id"] for n in items})}
    elif tab == "figures":
        months = services.figures(actor(), request.args.get("month"))["months"][::-1]
        context |= {"months": months, "people": public_cards(
            {int(i) for m in months for i in m["actions_by_staff"]})}
    return render_template("moderation/oversight.html", clauses=rules_clauses(), **context)
