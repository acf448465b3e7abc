"""Domain errors: services raise them; the API turns them into its envelope.

``code`` is the API error code (api.md); ``status`` the HTTP status.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused use case, with the API's error code and status."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        keeps_changes: bool = False,
    ):
        message = str(message)  # a lazy string (a message prepared before it is needed) becomes text now
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields
        #: The refusal came after work that must stand (e.g. an overdue attempt finished on this touch):
        #: the adapter commits instead of rolling back.
        self.keeps_changes = keeps_changes


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know it exists."""

    status = 404
    code = "not_found"


class Unauthenticated(DomainError):
    """No valid credentials."""

    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    """Known caller, not allowed (``code`` may be more specific)."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state."""

    status = 409
    code = "conflict"


class Invalid(DomainError):
    """Input that fails validation; ``fields`` says why, per field."""

    status = 422
    code = "invalid"


class TooManyAttempts(DomainError):
    """Rate limited."""

    status = 429
    code = "too_many_attempts"
