"""Domain errors: small classes with a stable code, mapped to HTTP in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the caller can show a person: a code, a message key and its parameters."""

    status = 400
    code = "invalid_request"

    def __init__(self, message_key: str | None = None, /, **params: object) -> None:
        super().__init__(message_key or self.code)
        self.message_key = message_key or self.code
        self.params = params


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"

    def __init__(self, error_code: str, message_key: str | None = None, /,
                 **params: object) -> None:
        super().__init__(message_key or error_code, **params)
        self.code = error_code


class NotFound(DomainError):
    status = 404

    def __init__(self, error_code: str, /, **params: object) -> None:
        super().__init__(error_code, **params)
        self.code = error_code


class Conflict(DomainError):
    status = 409

    def __init__(self, error_code: str, message_key: str | None = None, /,
                 **params: object) -> None:
        super().__init__(message_key or error_code, **params)
        self.code = error_code


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"

    def __init__(self, error_code: str = "unauthorized", /, **params: object) -> None:
        super().__init__(error_code, **params)
        self.code = error_code


class Forbidden(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, error_code: str = "forbidden", /, **params: object) -> None:
        super().__init__(error_code, **params)
        self.code = error_code


class SettingsError(ValueError):
    """A setting is unknown or invalid; the message names it (a start-up error, not a refusal)."""
