from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import select

from ..core import policy
from ..core.errors import AppError, InvalidCredentials, NotFound
from ..core.i18n import gettext as _
from ..core.identity import normalize_phone
from ..core.timeutil import iso
from ..core.web import actor, attach_error, login_required, safe_next
from ..extensions import db
from ..home import services as home_cards
from ..rules import services as rules
from . import applications, privacy, services, sessions
from .forms import (
    ActionForm,
    ApproveForm,
    CloseForm,
    CommitteeForm,
    CorrectForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    RejectForm,
    ResetCodeForm,
    ResetPasswordForm,
    StaffCloseForm,
    StaffForm,
)
from .limits import login_throttle
from .models import User

bp = Blueprint("accounts", __name__)


@bp.get("/")
@login_required
def home():
    return render_template("accounts/home.html", user=actor(), profile=services.serialize_me(actor()),
                           cards=home_cards.cards(actor()), active=sessions.active_sessions(actor()),
                           action_form=ActionForm())


@bp.route("/login", methods=["GET", "POST"])
@login_throttle
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.phone.data, form.password.data)
        except InvalidCredentials as error:
            g.login_failed = True
            attach_error(form, error)
            return render_template("accounts/login.html", form=form), 401
        try:
            services.check_standing(user)
        except AppError as error:
            if error.code in ("suspended", "blacklisted"):
                from ..moderation import appeals
                from ..moderation import views as moderation_views
                appeals.grant_pass(user)
                return moderation_views.barred_page(user, error)
        _sign_in(user)
        if user.status != "approved":
            return redirect(url_for("accounts.status"))
        return redirect(safe_next(request.args.get("next")) or url_for("accounts.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        if not sessions.end_web_session(session.get("_user_id")) and actor() is not None:
            services.end_sessions(actor(), "logout")  # a cookie that names no session: end them all
            db.session.commit()
        logout_user()
    return redirect(url_for("accounts.login"))


def _sign_in(user) -> None:
    """A server-side session first, so that the cookie names it and logging out can end it."""
    sessions.start_web_session(user)
    login_user(user)


@bp.post("/account/sessions/end")
@login_required
def log_out_everywhere():
    if ActionForm().validate_on_submit():
        services.log_out_everywhere(actor())
        logout_user()
        flash(_("You have been logged out on every device and app."))
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@login_throttle
def forgot_password():
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            sessions.reset_password(form.phone.data, form.code.data, form.password.data)
        except InvalidCredentials as error:
            g.login_failed = True
            attach_error(form, error)
            return render_template("accounts/forgot.html", form=form), 401
        except AppError as error:
            attach_error(form, error)
        else:
            logout_user()
            flash(_("Your new password is set. Please log in."))
            return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/account/data", methods=["GET", "POST"])
@login_required
def my_data():
    form = CloseForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            privacy.close_own(actor(), form.password.data)
        except AppError as error:
            attach_error(form, error)
        else:
            logout_user()
            flash(_("Your account is closed."))
            return redirect(url_for("accounts.login"))
    data = privacy.export(actor())
    return render_template("accounts/data.html", data=data, form=form, user=actor(),
                           can_close=policy.can(actor(), "account.close")
                           and not policy.can(actor(), "account.close_other"),
                           retention=data["retention_days_after_closing"])


@bp.route("/staff/reset-codes", methods=["GET", "POST"])
@login_required
def reset_codes():
    policy.require(actor(), "account.reset_code")
    form, issued, close_form = ResetCodeForm(prefix="code"), None, StaffCloseForm(prefix="close")
    if "close-phone" in request.form and close_form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.phone == normalize_phone(close_form.phone.data)))
        try:
            if user is None:
                raise NotFound(_("No such user."), field="phone")
            privacy.close_by_staff(actor(), user.id, close_form.reason.data)
        except AppError as error:
            attach_error(close_form, error)
        else:
            flash(_("Account closed."))
            return redirect(url_for("accounts.reset_codes"))
    elif "code-phone" in request.form and form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.phone == normalize_phone(form.phone.data)))
        try:
            if user is None:
                raise NotFound(_("No such user."), field="phone")
            code, expires = sessions.issue_reset_code(actor(), user.id)
        except AppError as error:
            attach_error(form, error)
        else:
            issued = {"code": code, "expires_at": iso(expires), "user": services.serialize_user(user, actor())}
    response = render_template("accounts/reset_codes.html", form=form, issued=issued, close_form=close_form)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    current = rules.current()
    if request.method == "GET":
        form.accepted_rules_version.data = current.version if current else ""
        if request.args.get("phone"):
            form.phone.data = request.args["phone"]
    retype = False
    if request.method == "POST":
        valid = form.validate_on_submit()
        data = {name: field.data for name, field in form._fields.items() if name not in ("csrf_token", "accept_rules")}
        found = applications.problems(data)
        for error in found:  # every problem at once, beside its field; the form's own checks come first
            if not getattr(getattr(form, error.field, None), "errors", None):
                attach_error(form, error)
        if valid and not found:
            try:
                user = services.register(data)
            except AppError as error:
                attach_error(form, error)
            else:
                _sign_in(user)
                return redirect(url_for("accounts.status"))
        # A password is never written back into a page: the applicant is told to type it again.
        retype = bool(form.password.data) and not form.password.errors
    response = render_template("accounts/register.html", form=form, rules=current, retype_password=retype)
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/status")
def status():
    user = actor()
    if user is None:
        return redirect(url_for("accounts.login"))
    if user.status == "approved":
        return redirect(url_for("accounts.home"))
    return _status_page(user)


def _status_page(user, correct_form=None, status: int = 200):
    reg = user.registration
    if correct_form is None:
        correct_form = CorrectForm(formdata=None, real_name=user.real_name,
                                   unit=reg.unit.code if reg is not None and reg.unit else "")
    return render_template("accounts/status.html", user=user, registration=reg, logout_form=ActionForm(),
                           action_form=ActionForm(), correct_form=correct_form, desk=applications.desk(),
                           withdrawn=applications.withdrawn(user)), status


@bp.post("/status/correct")
def correct_application():
    user = actor()
    if user is None:
        return redirect(url_for("accounts.login"))
    form = CorrectForm()
    if form.validate_on_submit():
        try:
            applications.correct(user, {"real_name": form.real_name.data, "unit": form.unit.data})
        except AppError as error:
            if error.status == 409:
                flash(error.message, "error")
                return redirect(url_for("accounts.status"))
            attach_error(form, error)
        else:
            flash(_("Your application is corrected; it keeps its place in the queue."))
            return redirect(url_for("accounts.status"))
    return _status_page(user, form, 400)


@bp.post("/status/withdraw")
def withdraw_application():
    user = actor()
    if user is None:
        return redirect(url_for("accounts.login"))
    if ActionForm().validate_on_submit():
        try:
            applications.withdraw(user)
        except AppError as error:
            flash(error.message, "error")
        else:
            flash(_("Your application is withdrawn. You can apply again at any time."))
    return redirect(url_for("accounts.status"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            sessions.change_password(actor(), form.old_password.data, form.new_password.data)
        except AppError as error:
            attach_error(form, error)
        else:
            logout_user()
            flash(_("Password changed. Please log in again."))
            return redirect(url_for("accounts.login"))
    return render_template("accounts/password.html", form=form)


@bp.get("/staff/registrations")
@login_required
def registrations():
    status_filter = request.args.get("status", "pending")
    regs = services.list_registrations(actor(), status_filter, after=request.args.get("after", 0, type=int),
                                       limit=200)
    return render_template("accounts/registrations.html", items=[
        services.serialize_registration(r, actor()) for r in regs], status=status_filter,
        can_decide=policy.can(actor(), "registration.decide"), action_form=ApproveForm(), reject_form=RejectForm())


@bp.post("/staff/registrations/<int:registration_id>/approve")
@login_required
def approve(registration_id: int):
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            services.approve(actor(), registration_id, form.reason.data,
                             "unverified" if form.unverified.data else None)
        except AppError as error:
            if error.status >= 403:
                raise
            flash(error.message, "error")
        else:
            flash(_("Registration approved."))
    return redirect(url_for("accounts.registrations"))


@bp.post("/staff/registrations/<int:registration_id>/reject")
@login_required
def reject(registration_id: int):
    form = RejectForm()
    if form.validate_on_submit():
        services.reject(actor(), registration_id, form.reason.data)
        flash(_("Registration rejected."))
    else:
        policy.require(actor(), "registration.decide")
        flash(_("Give the applicant a reason."), "error")
    return redirect(url_for("accounts.registrations"))


@bp.route("/admin/people", methods=["GET", "POST"])
@login_required
def people():
    policy.require(actor(), "staff.create")
    staff_form, committee_form = StaffForm(prefix="staff"), CommitteeForm(prefix="committee")
    if request.method == "POST":
        if "staff-submit" in request.form and staff_form.validate_on_submit():
            try:
                services.create_staff(actor(), {f: getattr(staff_form, f).data
                                                 for f in ("real_name", "phone", "password", "role")})
            except AppError as error:
                attach_error(staff_form, error)
            else:
                flash(_("Account created."))
                return redirect(url_for("accounts.people"))
        elif "committee-submit" in request.form and committee_form.validate_on_submit():
            try:
                services.set_committee(actor(), committee_form.user_id.data, True)
            except AppError as error:
                attach_error(committee_form, error)
            else:
                flash(_("Committee member appointed."))
                return redirect(url_for("accounts.people"))
    return render_template("accounts/people.html", staff_form=staff_form, committee_form=committee_form,
                           staff=services.staff_members(actor()), members=services.committee_members(actor()),
                           action_form=ActionForm())


@bp.post("/admin/committee/<int:user_id>/remove")
@login_required
def remove_committee(user_id: int):
    if ActionForm().validate_on_submit():
        services.set_committee(actor(), user_id, False)
        flash(_("Committee member removed."))
    return redirect(url_for("accounts.people"))


@bp.app_context_processor
def _ownership_note() -> dict:
    """Pages that refuse an unverified owner (the vote page) say why, from this one place."""
    def ownership_unverified(user) -> bool:
        return bool(user is not None and getattr(user, "registration", None) is not None
                    and user.registration.ownership == "unverified")
    return {"ownership_unverified": ownership_unverified}
