"""Domain errors: small classes with a stable code and parameters; the edges map them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the caller can show a person: a code, a message key and its parameters."""

    code = "invalid_request"

    def __init__(self, message_key: str | None = None, /, **params: object) -> None:
        super().__init__(message_key or self.code)
        self.message_key = message_key or self.code
        self.params = params


class InvalidInput(DomainError):
    code = "invalid_input"

    def __init__(self, error_code: str, message_key: str | None = None, /,
                 **params: object) -> None:
        super().__init__(message_key or error_code, **params)
        self.code = error_code


class NotFound(DomainError):
    def __init__(self, error_code: str, /, **params: object) -> None:
        super().__init__(error_code, **params)
        self.code = error_code


class Conflict(DomainError):
    def __init__(self, error_code: str, message_key: str | None = None, /,
                 **params: object) -> None:
        super().__init__(message_key or error_code, **params)
        self.code = error_code


class Unauthorized(DomainError):
    code = "unauthorized"

    def __init__(self, error_code: str = "unauthorized", /, **params: object) -> None:
        super().__init__(error_code, **params)
        self.code = error_code


class Forbidden(DomainError):
    code = "forbidden"

    def __init__(self, error_code: str = "forbidden", /, **params: object) -> None:
        super().__init__(error_code, **params)
        self.code = error_code


class RateLimited(DomainError):
    """This client must wait `retry_after` seconds before asking again."""

    code = "too_many_requests"

    def __init__(self, retry_after: int, message_key: str | None = None, /,
                 **params: object) -> None:
        super().__init__(message_key or self.code, **params)
        self.code = message_key or self.code  # too_many_attempts for logins
        self.retry_after = retry_after


class Unavailable(DomainError):
    """Something the request needs is not there now; asking again later may work."""

    code = "unavailable"


class SettingsError(ValueError):
    """A setting is unknown or invalid; the message names it (a start-up error, not a refusal)."""
