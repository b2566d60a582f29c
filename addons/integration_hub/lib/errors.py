"""Typed errors: the retry policy is decided by the type, never by parsing a message."""


class HubError(Exception):
    """Base class of every error the hub raises on purpose."""


class RetryableError(HubError):
    """A temporary failure (network, timeout, 429, 5xx): try again later.

    ``seconds`` is the delay the remote side asked for (e.g. ``Retry-After``);
    when it is None the caller's backoff policy decides.
    """

    def __init__(self, message, seconds=None):
        super().__init__(message)
        self.seconds = seconds


class PermanentError(HubError):
    """A failure that retrying cannot fix (bad data, 4xx, no handler)."""


class AuthError(PermanentError):
    """The remote refused our credentials (HTTP 401/403, a revoked token, a missing scope).

    One type for every platform and carrier: retrying cannot help, so the hub parks the channel's
    outbound work with one exception until an administrator fixes the credentials and resumes it.
    """


class SignatureError(HubError):
    """The webhook is not authentic (bad/missing signature, outside the replay window)."""


class PayloadError(HubError):
    """The webhook is authentic but its body cannot be understood."""


class ConfigurationError(HubError):
    """The hub is not configured for this operation (e.g. no encryption key)."""
