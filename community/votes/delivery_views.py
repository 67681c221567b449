"""The committee's delivery ledger page: each unit in the vote's scope, whether the announcement reached it (seen
in the app, or paper handed over with a signature photo), by building, with the undelivered units as CSV for
door-to-door visits."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_timezone

from ..accounts.forms import ActionForm
from ..assembly import files
from ..core import policy
from ..core.i18n import gettext as _
from ..core.web import actor, attempt, login_required
from ..extensions import db
from . import delivery
from .views import bp


def _local(raw: str | None):
    """A datetime-local field in the viewer's time zone; the text itself when it does not parse (the service
    refuses it), None when blank."""
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo(str(get_timezone())))
    except ValueError:
        return raw


@bp.route("/votes/<int:vote_id>/delivery", methods=["GET", "POST"])
@login_required
def delivery_page(vote_id: int):
    me = actor()
    policy.require(me, "vote.delivery")
    building = request.values.get("building") or None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        form = request.form
        data = {"unit": form.get("unit"), "received_by": form.get("received_by"), "kind": form.get("kind") or "paper",
                "handed_at": _local(form.get("handed_at")), "supersedes": form.get("supersedes"),
                "note": form.get("note")}
        photo = files.read_upload(request.files.get("photo"))
        if not attempt(lambda: delivery.record(me, vote_id, data, photo), _("The delivery is recorded.")):
            db.session.rollback()
        return redirect(url_for("votes.delivery_page", vote_id=vote_id, building=building))
    vote, lines, entries = delivery.ledger(me, vote_id, building=building)
    state = request.args.get("state") if request.args.get("state") in delivery.STATES else None
    shown = [line for line in lines if state is None or line.state == state]
    pages = max(1, -(-len(shown) // delivery.PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    superseded = {e.supersedes_id for e in entries if e.supersedes_id}
    correcting = request.args.get("correct", type=int)
    return render_template(
        "votes/delivery.html", vote=vote, building=building, state=state, buildings=delivery.buildings(vote),
        counts=delivery.counts(lines), page=page, pages=pages,
        lines=shown[(page - 1) * delivery.PAGE_SIZE:page * delivery.PAGE_SIZE],
        entries={e.id: delivery.serialize_entry(e, superseded) for e in entries},
        correcting=correcting if correcting in {e.id for e in entries} else None,
        can_record=vote.status in ("announced", "open"), action=ActionForm())


@bp.get("/votes/<int:vote_id>/delivery.csv")
@login_required
def delivery_csv(vote_id: int):
    name, text = delivery.undelivered_csv(actor(), vote_id, building=request.args.get("building") or None)
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})
