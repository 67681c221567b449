"""Plain exceptions raised by services; views map them to HTTP, socket handlers to acknowledgements."""

ID_MAX = 2**31 - 1  # ids are INTEGER columns (32 bits in PostgreSQL): a larger number names nothing


def is_id(value) -> bool:
    """Whether a JSON value can name a row: a whole number (not a boolean) in the databases' range."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def whole_number(text) -> int | None:
    """A form or path text of ASCII digits as a number, else None ("²" and "١" pass ``str.isdigit``)."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


class AppError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str = "", *, field: str | None = None, clause: str | None = None,
                 code: str | None = None, status: int | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.field = field
        self.clause = clause
        if code:
            self.code = code
        if status:
            self.status = status
        self.extra = extra

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.field is not None:
            body["field"] = self.field
        if self.clause is not None:
            body["clause"] = self.clause
        body.update(self.extra)
        return body


class Invalid(AppError):
    status = 400
    code = "invalid"


class RulesNotAccepted(AppError):
    """400 when a registration names a stale version, 403 when an account must accept the new one."""
    status = 403
    code = "rules_not_accepted"


class Unauthenticated(AppError):
    status = 401
    code = "unauthenticated"


class InvalidCredentials(AppError):
    status = 401
    code = "invalid_credentials"


class Denied(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class RuleViolation(AppError):
    status = 422
    code = "rule_violation"


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
