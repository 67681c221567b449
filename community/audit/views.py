from flask import Blueprint, render_template, request

from ..core.web import actor, login_required
from . import services

bp = Blueprint("audit", __name__)


@bp.get("/committee/audit")
@login_required
def log():
    after = request.args.get("after", 0, type=int)
    entries = services.entries(actor(), after=after, limit=100)
    check = services.verify_for(actor()) if request.args.get("verify") else None
    return render_template("audit/log.html", entries=entries, check=check, head=services.head_for(actor()),
                           next_after=entries[-1]["seq"] if len(entries) == 100 else None)


@bp.app_context_processor
def _audit_head() -> dict:
    """Documents that leave the platform (vote results) carry the chain head they were made at."""
    return {"audit_head": services.current_head}
