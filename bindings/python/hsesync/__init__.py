"""hsesync: an offline-first sync engine for the 4HSE v2 API, from Python.

A replica (one SQLite file) holds projects, offices, actions and incidents; you
read and write it with no network, and ``sync()`` (or the background scheduler)
reconciles it with the server, resolving conflicts by policy::

    import hsesync

    with hsesync.Engine("replica.db") as db:              # offline: no remote configured
        p = db.create("project", {"name": "Acme", "country": "IT"})
        print(db.get("project", p["project_id"]))
        print(db.journal())                                # what the next sync pushes

    config = {"remote": {"url": "http://127.0.0.1:8080", "access_token": "TOKEN"}}
    with hsesync.Engine("replica.db", config, on_event=print) as db:
        db.sync()                                          # or db.start(); db.wait_synced(30)

See :class:`Engine` for every call, :mod:`hsesync.errors` for the exceptions.
The native library is found through the HSESYNC_LIB environment variable (a
path), else a libhsesync.so* next to this package, else the system's
(``ldconfig``, ``libhsesync.so.0``).
"""
from ._library import lib as _lib
from .engine import Engine
from .errors import (AuthError, BusyError, CancelledError, ConflictError, Error, InternalError, InvalidError,
                     NetworkError, NoRemoteError, NotFoundError, RateLimitedError, SchemaError, ServerError,
                     StorageError, TimeoutError, TlsError, UnsettledError)

__version__ = _lib.hse_version().decode()
"""The loaded library's version ("MAJOR.MINOR.PATCH")."""

# TimeoutError is left out so `import *` never shadows the builtin (it subclasses it).
__all__ = ["Engine", "Error", "InvalidError", "NotFoundError", "ConflictError", "NetworkError", "AuthError",
           "RateLimitedError", "ServerError", "StorageError", "NoRemoteError", "SchemaError", "InternalError",
           "CancelledError", "BusyError", "TlsError", "UnsettledError", "__version__"]
