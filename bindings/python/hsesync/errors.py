"""Exceptions of hsesync: one class per hse_code of the C API.

Every failure raises a subclass of :class:`Error`. Catch the subclass you can
handle, or ``Error`` and look at ``.code`` / ``.transient``::

    try:
        db.create("project", {"country": "Italy"})
    except hsesync.InvalidError as e:
        for f in e.fields:            # [{"field": "name", "message": "is required"}, ...]
            print(f["field"], f["message"])
"""
import builtins
import json


class Error(Exception):
    """A failed hsesync call.

    Attributes:
        code: the C API's hse_code (int), e.g. 1 for invalid.
        name: the code's name ("invalid", "not_found", ...).
        fields: list of {"field", "message"} dicts naming what was at fault ([] if none).
        transient: True when trying again later may succeed (network, timeout,
            rate limit, server, busy).
        report: for a failed ``Engine.sync()``, the round's report (what was done
            before the failure); None otherwise.
    """

    code = -1
    name = "unknown"
    transient = False

    def __init__(self, message, fields=None, report=None):
        super().__init__(message)
        self.fields = list(fields or [])
        self.report = report


class InvalidError(Error, ValueError):
    """Bad input: a field (see ``fields``), a JSON value, an argument, an unknown entity."""
    code, name = 1, "invalid"


class NotFoundError(Error, LookupError):
    """No such row or conflict."""
    code, name = 2, "not_found"


class ConflictError(Error):
    """The write collides with another (duplicate id, a row with children, a pending conflict)."""
    code, name = 3, "conflict"


class NetworkError(Error, ConnectionError):
    """Transient: connection refused, reset, DNS."""
    code, name, transient = 4, "network", True


class TimeoutError(Error, builtins.TimeoutError):
    """Transient: the remote did not answer in time."""
    code, name, transient = 5, "timeout", True


class AuthError(Error):
    """The remote refused the credentials."""
    code, name = 6, "auth"


class RateLimitedError(Error):
    """Transient: the remote answered 429/503."""
    code, name, transient = 7, "rate_limited", True


class ServerError(Error):
    """Transient: a 5xx or a malformed answer from the remote."""
    code, name, transient = 8, "server", True


class StorageError(Error):
    """SQLite failed: disk full, corruption, locked past the busy timeout."""
    code, name = 9, "storage"


class NoRemoteError(Error):
    """The replica has no remote configured (open it with a "remote" config)."""
    code, name = 10, "no_remote"


class SchemaError(Error):
    """The replica file was written by a newer version of hsesync."""
    code, name = 11, "schema"


class InternalError(Error):
    """A bug in hsesync: please report it with the message."""
    code, name = 12, "internal"


class CancelledError(Error):
    """The round was stopped by Engine.stop() or close()."""
    code, name = 13, "cancelled"


class BusyError(Error):
    """Transient: another sync round is running."""
    code, name, transient = 14, "busy", True


class TlsError(Error):
    """The remote's TLS certificate failed verification (CA, expiry, host): retrying will not help."""
    code, name = 15, "tls"


class UnsettledError(Error):
    """wait_synced: rejected or held journal entries need the app; waiting longer will not help."""
    code, name = 16, "unsettled"


_BY_CODE = {cls.code: cls for cls in Error.__subclasses__()}


def error_for(code, message, fields_json="[]", report=None):
    """The exception for a C API failure (an unknown, newer code gives a plain Error)."""
    cls = _BY_CODE.get(code)
    try:
        fields = json.loads(fields_json)
    except ValueError:
        fields = []
    if cls is None:
        err = Error(message, fields, report)
        err.code = code
        return err
    return cls(message, fields, report)
