"""The phone pages of live chat: the room list, a room, and the staff's front-desk queue.

Pages render what the services answer; static/js/chat.js then joins over Socket.IO and keeps the room live."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from ..accounts import services as accounts
from ..accounts.forms import ActionForm
from ..accounts.models import User
from ..core import policy
from ..core.errors import AppError
from ..core.i18n import gettext as _
from ..core.i18n import ngettext
from ..core.web import actor, login_required
from ..extensions import db
from . import services

bp = Blueprint("chat", __name__, url_prefix="/chat")


def kind_labels() -> dict:
    return {"lobby": _("Everyone"), "building": _("Residents of the building"), "committee": _("Committee members"),
            "staff": _("Staff only"), "announcements": _("From the staff"), "desk": _("Private")}


def waited(seconds: int) -> str:
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return ngettext("%(num)d day", "%(num)d days", hours // 24)


@bp.get("")
@login_required
def rooms():
    me = actor()
    return render_template("chat/rooms.html", rooms=services.rooms(me), kinds=kind_labels(),
                           can_view_desk=policy.can(me, "desk.view"))


@bp.get("/desk")
@login_required
def desk():
    me = actor()
    items = services.desk(me)
    for item in items:
        item["waited"] = waited(item["waiting_s"]) if item["waiting_since"] else None
    return render_template("chat/desk.html", items=items, form=ActionForm(), can_close=policy.can(me, "desk.manage"))


@bp.post("/desk/<int:user_id>/close")
@login_required
def close_desk(user_id: int):
    if ActionForm().validate_on_submit():
        services.close_desk(actor(), user_id)
        flash(_("The conversation is closed."))
    return redirect(url_for("chat.desk"))


@bp.get("/<slug>")
@login_required
def room(slug: str):
    me = actor()
    found, history = services.join(me, slug)
    services.seen(me, found, history)
    can_send = policy.can(me, "chat.send", found)
    partner = None
    if found.kind == "desk" and found.owner_id != me.id:
        partner = db.session.get(User, found.owner_id).display_name
    barred = None
    if can_send:
        try:
            accounts.require_writer(me)
        except AppError as error:
            barred = {"code": error.code, "message": _(str(error.message))}
    return render_template(
        "chat/room.html", room=found, name=services.room_name(found), kind=kind_labels()[found.kind],
        history=history, more=len(history) == services.HISTORY, page_size=services.HISTORY, partner=partner,
        can_send=can_send, barred=barred,
        desk_owner=found.owner_id if found.kind == "desk" and policy.can(me, "desk.manage") else None,
        form=ActionForm(), timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
