"""Phone pages of owners' petitions and the committee's register of decisions."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_timezone

from ..accounts.forms import ActionForm
from ..core import policy
from ..core.errors import AppError
from ..core.i18n import gettext as _
from ..core.web import actor, attempt, login_required
from ..extensions import db
from . import decisions, files, petitions

bp = Blueprint("assembly", __name__)


def _checked() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.route("/petitions", methods=["GET", "POST"], endpoint="petitions")
@login_required
def petitions_page():
    me = actor()
    error, draft = None, {}
    if request.method == "POST":
        _checked()
        draft = {"title": request.form.get("title", ""), "body": request.form.get("body", "")}
        try:
            petition = petitions.start(me, draft)
        except AppError as found:
            if found.status == 404:
                raise
            error = found
        else:
            flash(_("The petition is started: owners can sign it now."))
            return redirect(url_for("assembly.petition", petition_id=petition.id))
    items = [petitions.serialize(p, me) for p in petitions.listed(me, limit=100)]
    return render_template("assembly/petitions.html", petitions=items, action=ActionForm(), error=error,
                           draft=draft, can_start=policy.can(me, "petition.start")), 400 if error else 200


@bp.get("/petitions/<int:petition_id>")
@login_required
def petition(petition_id: int):
    me = actor()
    return render_template("assembly/petition.html", p=petitions.serialize(petitions.find(me, petition_id), me),
                           action=ActionForm())


def _step(petition_id: int, call, done: str):
    _checked()
    petitions.find(actor(), petition_id)  # a petition that does not exist is a 404 page, not a message
    attempt(call, done)
    return redirect(url_for("assembly.petition", petition_id=petition_id))


@bp.post("/petitions/<int:petition_id>/sign")
@login_required
def sign(petition_id: int):
    return _step(petition_id, lambda: petitions.sign(actor(), petition_id, request.form.get("unit") or None),
                 _("Your signature is counted."))


@bp.post("/petitions/<int:petition_id>/withdraw")
@login_required
def withdraw(petition_id: int):
    return _step(petition_id, lambda: petitions.withdraw(actor(), petition_id), _("Your signature is withdrawn."))


@bp.post("/petitions/<int:petition_id>/respond")
@login_required
def respond(petition_id: int):
    policy.require(actor(), "petition.respond")
    data = {"action": request.form.get("action"), "response": request.form.get("response")}
    if data["action"] == "convene":
        try:
            closes_at = datetime.strptime(request.form.get("closes_at") or "", "%Y-%m-%dT%H:%M").replace(
                tzinfo=ZoneInfo(str(get_timezone())))
        except ValueError:
            closes_at = None
        data["vote"] = {"matter": 1, "secret": False, "closes_at": closes_at}
    me = actor()
    _checked()
    try:
        found = petitions.respond(me, petition_id, data)
    except AppError as error:
        flash(error.message, "error")
        return redirect(url_for("assembly.petition", petition_id=petition_id, _anchor="respond"))
    if found.vote_id:
        flash(_("A draft vote is made from the petition: complete and announce it."))
        return redirect(url_for("votes.show", vote_id=found.vote_id))
    flash(_("The committee's answer is published."))
    return redirect(url_for("assembly.petition", petition_id=petition_id))


@bp.route("/committee/decisions", methods=["GET", "POST"])
@login_required
def decisions_page():
    me = actor()
    error = None
    if request.method == "POST":
        policy.require(me, "decision.record")
        _checked()
        form = request.form
        ids = lambda name: [int(v) for v in form.getlist(name) if v.isascii() and v.isdigit()]  # noqa: E731
        present = ids("present")
        data = {"decided_on": form.get("decided_on"), "title": form.get("title"), "text": form.get("text"),
                "present": present,
                **{name: [i for i in present if form.get(f"stand-{i}") == name] for name in decisions.STANDS}}
        if form.get("supersedes", "").isdigit():
            data["supersedes"] = int(form["supersedes"])
        try:
            content, name = files.read_upload(request.files.get("minutes"))
            minutes = files.store(me, content, name) if name else None
            entry = decisions.record(me, data, minutes=minutes)
        except AppError as found:
            db.session.rollback()
            error = found
        else:
            flash(_("The decision is recorded and published to members."))
            return redirect(url_for("assembly.decisions_page", _anchor=f"decision-{entry.id}"))
    items = [decisions.serialize(d) for d in decisions.listed(me, limit=200)]
    return render_template("assembly/decisions.html", decisions=items, action=ActionForm(), error=error,
                           members=decisions.committee_members() if policy.can(me, "decision.record") else [],
                           can_record=policy.can(me, "decision.record"),
                           correcting=request.args.get("correct", type=int)), 400 if error else 200


@bp.get("/assembly/files/<int:file_id>")
@login_required
def file(file_id: int):
    found, path = files.fetch(actor(), file_id)
    return send_file(path, mimetype=found.mime, download_name=found.name, as_attachment=False)
