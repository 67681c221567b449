from flask import g, jsonify, request

from ..core.errors import AppError, InvalidCredentials, Unauthenticated
from ..core.http import actor, api_blueprint, bearer_token, json_body, page, page_args, requires
from ..core.i18n import gettext as _
from ..core.timeutil import iso
from . import privacy, services, sessions
from .limits import login_throttle

bp = api_blueprint("accounts_api")


@bp.post("/auth/register")
def register():
    user = services.register(json_body())
    return jsonify({"id": user.id, "status": user.status, "roster_match": user.registration.roster_match}), 201


@bp.post("/auth/token")
@login_throttle
def token():
    data = json_body()
    try:
        user = services.authenticate(data.get("phone"), data.get("password"))
    except AppError:
        g.login_failed = True
        raise
    token = services.issue_token(user)
    return jsonify({"token": token, "user": services.serialize_me(user)})


@bp.delete("/auth/token")
def logout():
    token = bearer_token()
    if token is None or actor() is None:
        raise Unauthenticated(_("Please log in first."))
    services.revoke_token(token)
    return "", 204


@bp.get("/me")
def me():
    user = actor()
    if user is None:
        raise Unauthenticated(_("Please log in first."))
    return jsonify(services.serialize_me(user))


@bp.post("/me/password")
def change_password():
    data = json_body()
    sessions.change_password(actor(), data.get("old_password"), data.get("new_password"))
    return "", 204


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    found = services.get_user(actor(), user_id)
    return jsonify(services.serialize_user(found, actor()))


@bp.get("/registrations")
def registrations():
    after, limit = page_args()
    regs = services.list_registrations(actor(), request.args.get("status", "pending"), after=after, limit=limit)
    items = [services.serialize_registration(r, actor()) for r in regs]
    return jsonify(page(items, limit, regs[-1].id if regs else None))


@bp.post("/registrations/<int:registration_id>/approve")
@requires("registration.decide")
def approve(registration_id: int):
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        data = json_body()
    reg = services.approve(actor(), registration_id, data.get("reason"), data.get("as"))
    return jsonify(services.serialize_registration(reg, actor()))


@bp.post("/registrations/<int:registration_id>/reject")
@requires("registration.decide")
def reject(registration_id: int):
    reg = services.reject(actor(), registration_id, json_body().get("reason"))
    return jsonify(services.serialize_registration(reg, actor()))


@bp.post("/staff")
@requires("staff.create")
def create_staff():
    user = services.create_staff(actor(), json_body())
    return jsonify(services.serialize_user(user, actor())), 201


@bp.get("/staff")
def list_staff():
    return jsonify({"items": [services.serialize_user(u, actor()) for u in services.staff_members(actor())],
                    "next": None})


@bp.get("/committee/members")
def committee():
    members = services.committee_members(actor())
    return jsonify({"items": [services.serialize_user(u, actor()) for u in members], "next": None})


@bp.post("/committee/members")
@requires("committee.manage")
def appoint():
    data = json_body()
    user = services.set_committee(actor(), data.get("user_id"), True)
    return jsonify(services.serialize_user(user, actor())), 201


@bp.delete("/committee/members/<int:user_id>")
def remove(user_id: int):
    services.set_committee(actor(), user_id, False)
    return "", 204


@bp.delete("/me/sessions")
def log_out_everywhere():
    """Every web session and token of the caller ends, this one included."""
    services.log_out_everywhere(actor())
    return "", 204


@bp.get("/me/sessions")
def my_sessions():
    if actor() is None:
        raise Unauthenticated(_("Please log in first."))
    return jsonify(sessions.active_sessions(actor()))


@bp.get("/me/export")
def export():
    response = jsonify(privacy.export(actor()))
    response.headers["Content-Disposition"] = f'attachment; filename="linli-my-data-{actor().id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/me/close")
def close_account():
    privacy.close_own(actor(), json_body().get("password"))
    return "", 204


@bp.post("/users/<int:user_id>/close")
@requires("account.close_other")
def close_user(user_id: int):
    user = privacy.close_by_staff(actor(), user_id, json_body().get("reason"))
    return jsonify({"id": user.id, "closed_at": iso(user.closed_at)})


@bp.post("/users/<int:user_id>/reset-code")
@requires("account.reset_code")
def reset_code(user_id: int):
    code, expires = sessions.issue_reset_code(actor(), user_id)
    response = jsonify({"code": code, "expires_at": iso(expires)})
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@bp.post("/auth/reset-password")
@login_throttle
def reset_password():
    data = json_body()
    try:
        sessions.reset_password(data.get("phone"), data.get("code"), data.get("password"))
    except InvalidCredentials:
        g.login_failed = True
        raise
    return jsonify({"ok": True})
