"""hsesync.Engine: a local replica of 4HSE v2 entities that syncs with the server."""
import ctypes
import json
import os
import threading
import traceback
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from . import _library as _c
from .errors import Error, error_for, TimeoutError as _SyncTimeout

Row = Dict[str, Any]
"""A record, query answer, report or event: the C API's JSON as a dict."""
EventCallback = Callable[[Row], None]
Resolution = Union[str, Row, None]
"""What a resolver answers: "local", "remote", {"take": ...}, {"row": {...}}, or None (defer)."""
Resolver = Callable[[Row], Resolution]


def _b(text: Optional[str]) -> Optional[bytes]:
    return None if text is None else text.encode("utf-8")


def _fail(code: int, report: Optional[Row] = None) -> Error:
    # Everything read at once, before any other call of this thread can replace it.
    return error_for(code, _c.lib.hse_last_error().decode("utf-8", "replace"),
                     _c.lib.hse_last_error_fields().decode("utf-8", "replace"), report,
                     _c.lib.hse_last_error_http_status(), _c.lib.hse_last_error_retry_after())


def _take(out: ctypes.c_void_p) -> Any:
    """The JSON text behind a char** out parameter, decoded and freed (None if NULL)."""
    if not out.value:
        return None
    try:
        return json.loads(ctypes.string_at(out.value).decode("utf-8"))
    finally:
        _c.lib.hse_free(out.value)


# The C calls that wait for event delivery: an event callback making one would deadlock.
_WAIT_FOR_EVENTS = {"hse_sync", "hse_wait_synced", "hse_stop", "hse_set_event_callback"}

# Per thread: the id() of the engine whose event callback (resolver) this thread is
# running (an id, not the engine: a callback holding its engine would keep it alive).
_callbacks = threading.local()


def _in_callback(engine: "Engine") -> bool:
    return id(engine) in (getattr(_callbacks, "listener", None), getattr(_callbacks, "resolver", None))


class Engine:
    """A replica: one SQLite file holding projects, offices, actions and incidents.

    Reads and writes work offline; ``sync()`` (or the background scheduler of
    ``start()``) reconciles the replica with the server. Use it as a context manager::

        import hsesync
        with hsesync.Engine("replica.db") as db:                    # no remote: offline
            p = db.create("project", {"name": "Acme", "country": "IT"})
            db.update("project", p["project_id"], {"name": "Acme Ltd"})
            page = db.query("project", {"filter": {"country": "IT"}, "sort": "name"})
            print(page["_meta"]["totalCount"], [r["name"] for r in page["items"]])

        config = {"remote": {"url": "https://...", "access_token": TOKEN},
                  "policies": {"incident": "manual"}}
        with hsesync.Engine("replica.db", config, on_event=print) as db:
            report = db.sync()                                      # one round: push, then pull
            for c in db.conflicts():
                db.resolve(c["conflict_id"], take="local")

    ``entity`` is the API's path segment: "project", "office", "action", "incident".
    Rows, queries, reports and events are plain dicts (the JSON of the C API).
    Failures raise :class:`hsesync.Error` subclasses (``InvalidError`` with
    ``.fields`` for a refused write, ``NotFoundError``, ``NoRemoteError``, ...).

    Thread-safe: one Engine may be used from several threads; ``close()`` waits for
    calls running in other threads. Callbacks run on background threads:
    ``on_event`` on the engine's event thread (it may read and write the Engine,
    but not call sync, wait_synced, stop, close or set_event_callback, which wait
    for event delivery); the resolver on a thread of the round, one call at a time
    (it must not call the Engine at all). Such calls raise InvalidError rather than
    deadlock.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], config: Optional[Row] = None,
                 on_event: Optional[EventCallback] = None, resolver: Optional[Resolver] = None) -> None:
        """Opens (creating if needed) the replica at ``path``.

        ``config`` (a dict, or None for ``{}``) is merged into the stored configuration:
        ``{"remote": {"kind": "fourhse", "url": ..., "access_token": ...}, "scopes":
        {"projects": [...]}, "policies": {"incident": "manual"}, "sync": {"interval_s":
        60}}``. A new replica opened without a "remote" works offline only.
        ``on_event`` and ``resolver``: see :meth:`set_event_callback` and
        :meth:`set_resolver`.
        """
        self._handle: Optional[ctypes.c_void_p] = None
        self._keep: List[Any] = []  # every callback handed to C stays alive as long as the engine
        self._gate = threading.Condition()  # guards the three below
        self._closing = False
        self._in_flight = 0  # calls running now: close() waits for none
        handle = ctypes.c_void_p()
        cfg = None if config is None else json.dumps(config)
        rc = _c.lib.hse_open(_b(os.fspath(path)), _b(cfg), ctypes.byref(handle))
        if rc:
            raise _fail(rc)
        self._handle = handle
        if on_event is not None:
            self.set_event_callback(on_event)
        if resolver is not None:
            self.set_resolver(resolver)

    # -- lifetime -------------------------------------------------------------------

    def close(self) -> None:
        """Waits for calls running in other threads to return, stops the scheduler
        (after its current page) and closes the replica. Harmless when already
        closed; no callback runs after it returns; later calls raise InvalidError.
        Must not be called from this engine's callbacks (it raises InvalidError)."""
        if _in_callback(self):
            raise error_for(1, "close() must not be called from this engine's event callback or resolver")
        with self._gate:
            self._gate.wait_for(lambda: not self._closing)  # another thread is closing it
            if not self._handle:
                return
            self._closing = True
            self._gate.wait_for(lambda: self._in_flight == 0)
            handle = self._handle
        try:
            # Outside the gate: a callback still running meanwhile gets "closed", not a deadlock.
            _c.lib.hse_close(handle)
        finally:
            with self._gate:
                self._handle, self._closing = None, False
                self._gate.notify_all()
            self._keep = []

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            self.close()

    def _enter(self, fn: Any) -> ctypes.c_void_p:
        """Admits a call: the engine must be open, and a callback may not make a call
        that would deadlock (it raises InvalidError instead)."""
        if getattr(_callbacks, "resolver", None) == id(self):
            raise error_for(1, "the resolver must not call its engine (the replica is locked)")
        if fn.__name__ in _WAIT_FOR_EVENTS and getattr(_callbacks, "listener", None) == id(self):
            raise error_for(1, "an event callback must not call sync, wait_synced, stop, close or "
                               "set_event_callback")
        with self._gate:
            if not self._handle or self._closing:
                raise error_for(1, "the engine is closed")
            self._in_flight += 1
            return self._handle

    def _exit(self) -> None:
        with self._gate:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._gate.notify_all()

    def _call(self, fn: Any, *args: Any) -> None:
        handle = self._enter(fn)
        try:
            rc = fn(handle, *args)
            if rc:
                raise _fail(rc)
        finally:
            self._exit()

    def _call_out(self, fn: Any, *args: Any) -> Any:
        handle = self._enter(fn)
        try:
            out = ctypes.c_void_p()
            rc = fn(handle, *args, ctypes.byref(out))
            value = _take(out)
            if rc:
                raise _fail(rc, value)
            return value
        finally:
            self._exit()

    # -- local reads and writes (offline) ---------------------------------------------

    def create(self, entity: str, row: Row) -> Row:
        """Creates a row from ``row`` (writable fields; the key may be given, else a
        UUID is made) and returns it as stored. Raises InvalidError (``.fields`` names
        each field at fault; nothing is written) or ConflictError (the id exists)."""
        return self._call_out(_c.lib.hse_create, _b(entity), _b(json.dumps(row)))

    def create_many(self, entity: str, rows: Iterable[Row]) -> List[Row]:
        """Creates every row in one transaction, all or none; returns them as stored.
        A refusal names the item in its fields ("[3].name")."""
        return self._call_out(_c.lib.hse_create_many, _b(entity), _b(json.dumps(list(rows))))

    def update(self, entity: str, id: str, patch: Row) -> Row:
        """Changes the fields ``patch`` names and returns the row as stored.
        Raises InvalidError or NotFoundError."""
        return self._call_out(_c.lib.hse_update, _b(entity), _b(id), _b(json.dumps(patch)))

    def delete(self, entity: str, id: str, cascade: bool = False) -> None:
        """Deletes the row. With ``cascade`` its children go too; without it a row
        with children raises ConflictError. Raises NotFoundError when absent."""
        self._call(_c.lib.hse_delete, _b(entity), _b(id), 1 if cascade else 0)

    def get(self, entity: str, id: str) -> Optional[Row]:
        """The row as a dict (whatever its validity), or None when there is none."""
        try:
            return self._call_out(_c.lib.hse_get, _b(entity), _b(id))
        except Error as e:
            if e.code == 2:
                return None
            raise

    def get_as_of(self, entity: str, id: str, at_ms: int) -> Optional[Row]:
        """The row as it was at ``at_ms`` (ms since the epoch), or None."""
        try:
            return self._call_out(_c.lib.hse_get_as_of, _b(entity), _b(id), int(at_ms))
        except Error as e:
            if e.code == 2:
                return None
            raise

    def query(self, entity: str, query: Optional[Row] = None) -> Row:
        """Runs the remote index's query locally: ``{"filter": {...}, "sort": "-name",
        "page": 1, "per-page": 20, "history": False}``. Returns ``{"items": [...],
        "_meta": {"totalCount", "pageCount", "currentPage", "perPage"}}``."""
        return self._call_out(_c.lib.hse_query, _b(entity), _b(json.dumps(query or {})))

    def history(self, entity: str, id: str) -> List[Row]:
        """Every version of the row in this replica, oldest first (``valid_from``,
        ``valid_to``, ``origin``, ``row``, ...)."""
        return self._call_out(_c.lib.hse_history, _b(entity), _b(id))

    def journal(self, state: Optional[str] = None, entity: Optional[str] = None,
                id: Optional[str] = None) -> List[Row]:
        """The pending local changes, in the order the next push sends them; only
        those in ``state`` (pending, in_flight, rejected, blocked, held), of
        ``entity`` or of row ``id`` when given."""
        parts = {"state": state, "entity": entity, "id": id}
        filt = {k: v for k, v in parts.items() if v is not None}
        return self._call_out(_c.lib.hse_journal, _b(json.dumps(filt)))

    def retry(self, seq: int = 0) -> None:
        """Moves a held or rejected entry (``seq``; 0: all of them) back to pending."""
        self._call(_c.lib.hse_retry, int(seq))

    def drop(self, seq: int) -> None:
        """Discards the entry and the rest of its row's entries: the row returns to
        the server's version, or goes away if the server never had it (history keeps
        what was dropped). Raises BusyError while the row has an entry in flight."""
        self._call(_c.lib.hse_drop, int(seq))

    def status(self) -> Row:
        """``{"pending", "in_flight", "rejected", "blocked", "held", "conflicts", "last_sync", ...}``."""
        return self._call_out(_c.lib.hse_status)

    # -- sync -----------------------------------------------------------------------

    def sync(self) -> Row:
        """Runs one round (push, then pull) on this thread and returns its report
        ``{"ok": True, "stats": {"pushed", "pulled", "conflicts", ...}, "duration_ms"}``.
        A failed round raises the failure's class (NetworkError, AuthError,
        RateLimitedError, ...; its ``.report`` tells what was done, ``.http_status``
        and ``.retry_after`` what the server answered); without a remote, NoRemoteError."""
        return self._call_out(_c.lib.hse_sync)

    def start(self) -> None:
        """Starts the background scheduler (a round at once, then on the configured
        interval and soon after local writes). Raises NoRemoteError without a remote."""
        self._call(_c.lib.hse_start)

    def stop(self) -> None:
        """Stops the scheduler after its current page or entry; nothing is lost."""
        self._call(_c.lib.hse_stop)

    def wait_synced(self, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds for everything to be synced (runs rounds
        itself when the scheduler is stopped). True when synced, False on timeout;
        raises UnsettledError when all that is left waits for the app (rejected or
        held entries, conflicts: see journal, retry, drop, resolve)."""
        try:
            self._call(_c.lib.hse_wait_synced, int(timeout * 1000))
            return True
        except _SyncTimeout:
            return False

    def conflicts(self) -> List[Row]:
        """Open conflicts, oldest first: ``{"conflict_id", "entity", "id", "kind",
        "base", "local", "remote", "fields", ...}``; kind is update_update,
        update_delete, delete_update or create_collision."""
        return self._call_out(_c.lib.hse_conflicts)

    def resolve(self, conflict_id: str, take: Union[str, Row] = "local") -> None:
        """Settles a conflict: ``take="local"`` (this replica's version, pushed next
        round), ``"remote"`` (the server's), or a dict of values for the fields in
        conflict. Raises NotFoundError for an unknown or already resolved conflict."""
        resolution = {"row": take} if isinstance(take, dict) else {"take": take}
        self._call(_c.lib.hse_resolve, _b(conflict_id), _b(json.dumps(resolution)))

    # -- callbacks --------------------------------------------------------------------

    def set_event_callback(self, fn: Optional[EventCallback]) -> None:
        """Calls ``fn(event)`` for each event (a dict with a "type"; the types and
        their fields are listed at ``hse_event_fn`` in hsesync.h), in order, on the
        engine's event thread; ``sync()`` returns
        once its round's events were delivered. ``fn`` may read and write this Engine
        but not call sync, wait_synced, stop, close or set_event_callback (they wait
        for event delivery). An exception in ``fn`` is printed and ignored.
        ``None`` unregisters; the previous callback is not called after that."""
        if fn is None:
            self._call(_c.lib.hse_set_event_callback, _c.EVENT_FN(), None)
            return

        me = id(self)

        def trampoline(_user: Optional[int], event: bytes) -> None:
            outer, _callbacks.listener = getattr(_callbacks, "listener", None), me
            try:
                fn(json.loads(event.decode("utf-8")))
            except Exception:  # noqa: BLE001 - nothing may unwind into C
                traceback.print_exc()
            finally:
                _callbacks.listener = outer

        cb = _c.EVENT_FN(trampoline)
        self._keep.append(cb)  # C holds it until close: never let it be collected
        self._call(_c.lib.hse_set_event_callback, cb, None)

    def set_resolver(self, fn: Optional[Resolver]) -> None:
        """Lets ``fn(conflict)`` decide conflicts of entities (or fields) whose policy
        is "callback" (config ``"policies": {"incident": "callback"}``). ``conflict``
        is a dict as ``conflicts()`` lists it. ``fn`` returns "local", "remote", a
        dict ``{"take": ...}`` / ``{"row": {field: value}}`` (update_update only), or
        None to leave the conflict to the app (listed by ``conflicts()``). Runs on a
        thread of the round, one call at a time: do not call this Engine from it.
        An exception in ``fn`` defers. ``None`` unregisters."""
        if fn is None:
            self._call(_c.lib.hse_set_conflict_resolver, _c.RESOLVER_FN(), None)
            return

        me = id(self)

        def trampoline(_user: Optional[int], conflict: bytes, out: Any) -> int:
            outer, _callbacks.resolver = getattr(_callbacks, "resolver", None), me
            try:
                answer = fn(json.loads(conflict.decode("utf-8")))
                if answer is None:
                    return 0
                if isinstance(answer, str):
                    answer = {"take": answer}
                out[0] = _c.strdup(json.dumps(answer).encode("utf-8"))
                return 1
            except Exception:  # noqa: BLE001 - nothing may unwind into C
                traceback.print_exc()
                return 0
            finally:
                _callbacks.resolver = outer

        cb = _c.RESOLVER_FN(trampoline)
        self._keep.append(cb)
        self._call(_c.lib.hse_set_conflict_resolver, cb, None)
