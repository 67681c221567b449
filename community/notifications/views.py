"""The notifications page and the nav badge."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..accounts.forms import ActionForm
from ..core import policy
from ..core.i18n import gettext as _
from ..core.web import actor, login_required
from . import services

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications() -> dict:
    """The nav badge: one count per request, and only for someone the nav is shown to."""
    if "unread_notifications" not in g:
        user = actor()
        healthy = not g.get("unhandled")  # after an unexpected error the session may be unusable
        g.unread_notifications = services.unread_count(user) if healthy and policy.in_good_standing(user) else 0
    return {"unread_notifications": g.unread_notifications}


@bp.get("/notifications")
@login_required
def page():
    items = services.notifications(actor(), before=request.args.get("before", type=int))
    unread = [n["id"] for n in items if not n["read"]]
    if unread:
        services.mark_read(actor(), unread)
        g.pop("unread_notifications", None)
    older = items[-1]["id"] if len(items) == 50 else None
    return render_template("notifications/list.html", items=items, older=older, form=ActionForm())


@bp.post("/notifications/read")
@login_required
def read_all():
    if ActionForm().validate_on_submit():
        services.mark_read(actor())
        flash(_("All notifications are marked as read."))
    return redirect(url_for("notifications.page"))
