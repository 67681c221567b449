from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..core import policy
from ..core.errors import AppError
from ..core.i18n import gettext as _
from ..core.web import actor, attach_error, login_required
from . import services

bp = Blueprint("estate", __name__)


class ImportForm(FlaskForm):
    file = FileField(_l("Roster CSV file"), validators=[FileRequired()])


@bp.route("/staff/roster", methods=["GET", "POST"])
@login_required
def roster():
    policy.require(actor(), "roster.read")
    form = ImportForm()
    if request.method == "POST":
        policy.require(actor(), "roster.import")
        if form.validate_on_submit():
            try:
                result = services.import_units(actor(), services.parse_csv(form.file.data.read()), via="web")
            except AppError as error:
                attach_error(form, error) if error.field == "file" else form.form_errors.append(
                    f"{error.field}: {error.message}")
            else:
                flash(_("Imported: %(created)d new units, %(updated)d updated.", **result))
                return redirect(url_for("estate.roster"))
    after = request.args.get("after", 0, type=int)
    units = services.list_units(actor(), after=after, limit=100, building=request.args.get("building") or None)
    view = policy.personal_view(actor())
    return render_template("estate/roster.html", form=form, units=[services.serialize_unit(u, view) for u in units],
                           can_import=policy.can(actor(), "roster.import"),
                           next_after=units[-1].id if len(units) == 100 else None)
