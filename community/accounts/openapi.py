"""The OpenAPI paths of identity: audit head, sessions, reset codes, my data and closing."""

from ..api.openapi import _obj, _op, _path_id

HEAD = _obj(seq="integer", hash="string", at={"type": ["string", "null"], "format": "date-time"},
            signature={"type": ["string", "null"]})

IDENTITY_PATHS = {
    "/audit/head": {"get": _op("The signed head of the audit chain (committee, admin)", tag="audit",
                               result=HEAD)},
    "/me/sessions": {
        "get": _op("How many web sessions and tokens of the caller are alive", tag="accounts",
                   result=_obj(web="integer", tokens="integer")),
        "delete": _op("Log out everywhere: every web session and token of the caller ends", tag="accounts",
                      ok=204)},
    "/me/export": {"get": _op("Everything the platform holds about the caller, as one JSON document",
                              tag="accounts", result=_obj(exported_at="string", account="object", records="object",
                                                          acted_on_others="object", audit_about_me="array",
                                                          retention_days_after_closing="integer"))},
    "/me/close": {"post": _op("Close the caller's account (password confirms)", tag="accounts", ok=204,
                              errors=(400,), body=_obj(password="string"))},
    "/users/{id}/close": {"post": _op("Close an account that holds no unit (staff, audited)", tag="accounts",
                                      errors=(400, 404, 409), params=[_path_id("id")], body=_obj(reason="string"),
                                      result=_obj(id="integer", closed_at="string"))},
    "/users/{id}/reset-code": {"post": _op("Issue a one-time password reset code at the front desk (staff, "
                                           "audited; shown once, 30 minutes)", tag="accounts", ok=201,
                                           errors=(404, 429), params=[_path_id("id")],
                                           result=_obj(code="string", expires_at="string"))},
    "/auth/reset-password": {"post": _op("Set a new password with the phone and a reset code; ends every session",
                                         tag="accounts", auth=False, errors=(400, 401, 429),
                                         body=_obj(phone="string", code="string", password="string"),
                                         result=_obj(ok="boolean"))},
}
