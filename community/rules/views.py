from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from ..accounts.forms import ActionForm
from ..core.errors import NotFound
from ..core.i18n import gettext as _
from ..core.web import actor, login_required, safe_next
from . import reasons, services

bp = Blueprint("rules", __name__)


@bp.app_template_global()
def report_reason_label(reason: str) -> str:
    """A report's reason in the reader's language (the queue shows it beside the clauses)."""
    return str(reasons.LABELS.get(reason, reason))


@bp.get("/rules")
def show():
    rules = services.current()
    if rules is None:
        raise NotFound(_("No rules have been adopted."))
    user = actor()
    needs_acceptance = user is not None and user.status == "approved" and user.accepted_rules_version != rules.version
    changes, removed = None, []
    if needs_acceptance and user.accepted_rules_version:
        changes = services.changes_since(user.accepted_rules_version)
        accepted = services.get(user.accepted_rules_version)
        removed = [c for c in accepted.clauses if c["id"] in changes["removed"]]
    english = services.english(rules) if str(get_locale()) == "en" else None
    return render_template("rules/show.html", rules=rules, needs_acceptance=needs_acceptance, form=ActionForm(),
                           english=english,
                           changes=changes, removed=removed, accepted_version=user and user.accepted_rules_version,
                           next=safe_next(request.args.get("next")))


@bp.post("/rules/accept")
@login_required
def accept():
    rules = services.current()
    if ActionForm().validate_on_submit() and rules is not None:
        services.accept(actor(), rules.version)
        flash(_("Thank you for accepting the rules."))
        return redirect(safe_next(request.args.get("next")) or url_for("rules.show"))
    return redirect(url_for("rules.show"))
