from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.errors import AppError
from ..core.web import actor, attach_error, login_required
from . import services

bp = Blueprint("moderation", __name__)


class AppealForm(FlaskForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired()], render_kw={"inputmode": "tel"})
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    sanction_id = IntegerField(_l("Sanction number"), validators=[DataRequired()])
    text = TextAreaField(_l("Why should the decision be reviewed?"), validators=[DataRequired(), Length(max=4000)])


@bp.route("/appeal", methods=["GET", "POST"])
def appeal_form():
    """Open to people who cannot log in: they prove who they are with phone and password."""
    form = AppealForm()
    if request.method == "GET":
        form.sanction_id.data = request.args.get("sanction", type=int)
        form.phone.data = request.args.get("phone")
    if form.validate_on_submit():
        try:
            services.appeal({"phone": form.phone.data, "password": form.password.data,
                             "sanction_id": form.sanction_id.data, "text": form.text.data})
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("Your appeal has been sent. Staff will decide and you will be told."))
            return redirect(url_for("accounts.login"))
    return render_template("moderation/appeal.html", form=form)


@bp.get("/standing")
@login_required
def standing():
    return render_template("moderation/standing.html", standing=services.standing(actor()))
