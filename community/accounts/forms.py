from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired()],
                        render_kw={"inputmode": "tel", "autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    real_name = StringField(_l("Real name"), validators=[DataRequired(), Length(max=32)],
                            render_kw={"autocomplete": "name"})
    phone = StringField(_l("Mobile number"), validators=[DataRequired()],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    password = PasswordField(_l("Password (at least 8 characters)"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    id_number = StringField(_l("ID card number"), validators=[DataRequired()],
                            render_kw={"autocomplete": "off", "maxlength": 18})
    relation = SelectField(_l("I am"), choices=[
        SelectChoice("owner", _l("an owner")), SelectChoice("family", _l("an owner's family member")),
        SelectChoice("tenant", _l("a tenant")), SelectChoice("vendor", _l("a vendor"))])
    unit = StringField(_l("Unit (e.g. 3-2-1201)"), validators=[Optional(), Length(max=32)])
    organization = StringField(_l("Organisation (vendors only)"), validators=[Optional(), Length(max=128)])
    display_name = StringField(_l("Display name shown to neighbours (optional)"),
                               validators=[Optional(), Length(max=32)])
    accepted_rules_version = HiddenField()
    accept_rules = BooleanField(_l("I have read and accept the interaction rules"), validators=[DataRequired()])


class CorrectForm(FlaskForm):
    """What an applicant may correct while the application waits."""
    real_name = StringField(_l("Real name"), validators=[DataRequired(), Length(max=32)],
                            render_kw={"autocomplete": "name"})
    unit = StringField(_l("Unit (e.g. 3-2-1201)"), validators=[Optional(), Length(max=32)])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason for rejection"), validators=[DataRequired(), Length(max=500)])


class StaffForm(FlaskForm):
    real_name = StringField(_l("Real name"), validators=[DataRequired(), Length(max=32)])
    phone = StringField(_l("Mobile number"), validators=[DataRequired()], render_kw={"inputmode": "tel"})
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=[SelectChoice("staff", _l("Staff")), SelectChoice("admin", _l("Admin"))])


class CommitteeForm(FlaskForm):
    user_id = IntegerField(_l("User number of an approved owner"), validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button that posts; carries only the CSRF token."""


class PasswordForm(FlaskForm):
    old_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password"})


class ApproveForm(FlaskForm):
    """Approving an owner claim the roster does not confirm takes a reason and "ownership unverified"."""
    reason = TextAreaField(_l("Reason for approving without a roster match"), validators=[Optional(), Length(max=500)])
    unverified = BooleanField(_l("Approve as ownership unverified (resident rights, no vote)"))


class ResetPasswordForm(FlaskForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired()],
                        render_kw={"inputmode": "tel", "autocomplete": "username"})
    code = StringField(_l("Reset code from the front desk"), validators=[DataRequired(), Length(max=16)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})


class ResetCodeForm(FlaskForm):
    phone = StringField(_l("Mobile number of the account"), validators=[DataRequired()],
                        render_kw={"inputmode": "tel"})
    checked = BooleanField(_l("I have checked this person's ID card against the account"),
                           validators=[DataRequired()])


class CloseForm(FlaskForm):
    password = PasswordField(_l("Current password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(_l("I understand that closing cannot be undone"), validators=[DataRequired()])


class StaffCloseForm(FlaskForm):
    phone = StringField(_l("Mobile number of the account"), validators=[DataRequired()],
                        render_kw={"inputmode": "tel"})
    reason = TextAreaField(_l("Reason (e.g. the unit was sold)"), validators=[DataRequired(), Length(max=500)])
    confirm = BooleanField(_l("I understand that closing cannot be undone"), validators=[DataRequired()])
