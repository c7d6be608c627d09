"""hsesync.Engine: a local replica of 4HSE v2 entities that syncs with the server."""
import ctypes
import json
import threading
import traceback

from . import _library as _c
from .errors import Error, error_for, TimeoutError as _SyncTimeout

def _b(text):
    return None if text is None else text.encode("utf-8")


def _fail(code, report=None):
    return error_for(code, _c.lib.hse_last_error().decode("utf-8", "replace"),
                     _c.lib.hse_last_error_fields().decode("utf-8", "replace"), report)


def _take(out):
    """The JSON text behind a char** out parameter, decoded and freed (None if NULL)."""
    if not out.value:
        return None
    try:
        return json.loads(ctypes.string_at(out.value).decode("utf-8"))
    finally:
        _c.lib.hse_free(out.value)


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

    Thread-safe: one Engine may be used from several threads. Callbacks run on
    background threads: ``on_event`` on the engine's event thread (it may read and
    write the Engine, but not call sync, wait_synced, stop, close or
    set_event_callback, which wait for event delivery); the resolver on the
    syncing thread with the replica locked (it must not call the Engine at all).
    """

    def __init__(self, path, config=None, on_event=None, resolver=None):
        """Opens (creating if needed) the replica at ``path``.

        ``config`` (a dict, or None for ``{}``) is merged into the stored configuration:
        ``{"remote": {"kind": "fourhse", "url": ..., "access_token": ...}, "scopes":
        {"projects": [...]}, "policies": {"incident": "manual"}, "sync": {"interval_s":
        60}}``. A new replica opened without a "remote" works offline only.
        ``on_event`` and ``resolver``: see :meth:`set_event_callback` and
        :meth:`set_resolver`.
        """
        self._handle = None
        self._keep = []  # every callback handed to C stays alive as long as the engine
        self._lock = threading.Lock()
        handle = ctypes.c_void_p()
        cfg = None if config is None else json.dumps(config)
        rc = _c.lib.hse_open(_b(str(path)), _b(cfg), ctypes.byref(handle))
        if rc:
            raise _fail(rc)
        self._handle = handle
        if on_event is not None:
            self.set_event_callback(on_event)
        if resolver is not None:
            self.set_resolver(resolver)

    # -- lifetime -------------------------------------------------------------------

    def close(self):
        """Stops the scheduler (after its current page) and closes the replica.
        Harmless when already closed; no callback runs after it returns. Other
        threads must be done with the engine first; later calls raise InvalidError."""
        with self._lock:
            handle, self._handle = self._handle, None
        if handle:
            _c.lib.hse_close(handle)
        self._keep = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None):
            self.close()

    def _h(self):
        handle = self._handle
        if not handle:
            raise error_for(1, "the engine is closed")
        return handle

    def _call(self, fn, *args):
        rc = fn(self._h(), *args)
        if rc:
            raise _fail(rc)

    def _call_out(self, fn, *args):
        out = ctypes.c_void_p()
        rc = fn(self._h(), *args, ctypes.byref(out))
        value = _take(out)
        if rc:
            raise _fail(rc, value)
        return value

    # -- local reads and writes (offline) ---------------------------------------------

    def create(self, entity, row):
        """Creates a row from ``row`` (writable fields; the key may be given, else a
        UUID is made) and returns it as stored. Raises InvalidError (``.fields`` names
        each field at fault; nothing is written) or ConflictError (the id exists)."""
        return self._call_out(_c.lib.hse_create, _b(entity), _b(json.dumps(row)))

    def create_many(self, entity, rows):
        """Creates every row in one transaction, all or none; returns them as stored.
        A refusal names the item in its fields ("[3].name")."""
        return self._call_out(_c.lib.hse_create_many, _b(entity), _b(json.dumps(list(rows))))

    def update(self, entity, id, patch):
        """Changes the fields ``patch`` names and returns the row as stored.
        Raises InvalidError or NotFoundError."""
        return self._call_out(_c.lib.hse_update, _b(entity), _b(id), _b(json.dumps(patch)))

    def delete(self, entity, id, cascade=False):
        """Deletes the row. With ``cascade`` its children go too; without it a row
        with children raises ConflictError. Raises NotFoundError when absent."""
        self._call(_c.lib.hse_delete, _b(entity), _b(id), 1 if cascade else 0)

    def get(self, entity, id):
        """The row as a dict (whatever its validity), or None when there is none."""
        try:
            return self._call_out(_c.lib.hse_get, _b(entity), _b(id))
        except Error as e:
            if e.code == 2:
                return None
            raise

    def get_as_of(self, entity, id, at_ms):
        """The row as it was at ``at_ms`` (ms since the epoch), or None."""
        try:
            return self._call_out(_c.lib.hse_get_as_of, _b(entity), _b(id), int(at_ms))
        except Error as e:
            if e.code == 2:
                return None
            raise

    def query(self, entity, query=None):
        """Runs the remote index's query locally: ``{"filter": {...}, "sort": "-name",
        "page": 1, "per-page": 20, "history": False}``. Returns ``{"items": [...],
        "_meta": {"totalCount", "pageCount", "currentPage", "perPage"}}``."""
        return self._call_out(_c.lib.hse_query, _b(entity), _b(json.dumps(query or {})))

    def history(self, entity, id):
        """Every version of the row in this replica, oldest first (``valid_from``,
        ``valid_to``, ``origin``, ``row``, ...)."""
        return self._call_out(_c.lib.hse_history, _b(entity), _b(id))

    def journal(self):
        """The pending local changes, in the order the next push sends them."""
        return self._call_out(_c.lib.hse_journal)

    def status(self):
        """``{"pending", "in_flight", "rejected", "blocked", "conflicts", "last_sync", ...}``."""
        return self._call_out(_c.lib.hse_status)

    # -- sync -----------------------------------------------------------------------

    def sync(self):
        """Runs one round (push, then pull) on this thread and returns its report
        ``{"ok": True, "stats": {"pushed", "pulled", "conflicts", ...}, "duration_ms"}``.
        A failed round raises the failure's class (NetworkError, AuthError, ...; its
        ``.report`` tells what was done); without a remote, NoRemoteError."""
        return self._call_out(_c.lib.hse_sync)

    def start(self):
        """Starts the background scheduler (a round at once, then on the configured
        interval and soon after local writes). Raises NoRemoteError without a remote."""
        self._call(_c.lib.hse_start)

    def stop(self):
        """Stops the scheduler after its current page or entry; nothing is lost."""
        self._call(_c.lib.hse_stop)

    def wait_synced(self, timeout):
        """Waits up to ``timeout`` seconds for everything to be synced (runs rounds
        itself when the scheduler is stopped). True when synced, False on timeout.
        Raises UnsettledError when rejected or held journal entries keep it from
        settling: they need the app (waiting longer will not help)."""
        try:
            self._call(_c.lib.hse_wait_synced, int(timeout * 1000))
            return True
        except _SyncTimeout:
            return False

    def conflicts(self):
        """Open conflicts, oldest first: ``{"conflict_id", "entity", "id", "kind",
        "base", "local", "remote", "fields", ...}``; kind is update_update,
        update_delete, delete_update or create_collision."""
        return self._call_out(_c.lib.hse_conflicts)

    def resolve(self, conflict_id, take="local"):
        """Settles a conflict: ``take="local"`` (this replica's version, pushed next
        round), ``"remote"`` (the server's), or a dict of values for the fields in
        conflict. Raises NotFoundError for an unknown or already resolved conflict."""
        resolution = {"row": take} if isinstance(take, dict) else {"take": take}
        self._call(_c.lib.hse_resolve, _b(conflict_id), _b(json.dumps(resolution)))

    # -- callbacks --------------------------------------------------------------------

    def set_event_callback(self, fn):
        """Calls ``fn(event)`` for each event (a dict with "type": round_started,
        phase, entity, page, conflict, rejected, mapped, discarded, online,
        offline, error, round_finished), in order, on the engine's event thread; ``sync()`` returns
        once its round's events were delivered. ``fn`` may read and write this Engine
        but not call sync, wait_synced, stop, close or set_event_callback (they wait
        for event delivery). An exception in ``fn`` is printed and ignored.
        ``None`` unregisters; the previous callback is not called after that."""
        if fn is None:
            self._call(_c.lib.hse_set_event_callback, _c.EVENT_FN(), None)
            return

        def trampoline(_user, event):
            try:
                fn(json.loads(event.decode("utf-8")))
            except Exception:  # noqa: BLE001 - nothing may unwind into C
                traceback.print_exc()

        cb = _c.EVENT_FN(trampoline)
        self._keep.append(cb)  # C holds it until close: never let it be collected
        self._call(_c.lib.hse_set_event_callback, cb, None)

    def set_resolver(self, fn):
        """Lets ``fn(conflict)`` decide conflicts of entities (or fields) whose policy
        is "callback" (config ``"policies": {"incident": "callback"}``). ``conflict``
        is a dict as ``conflicts()`` lists it. ``fn`` returns "local", "remote", a
        dict ``{"take": ...}`` / ``{"row": {field: value}}`` (update_update only), or
        None to leave the conflict to the app (listed by ``conflicts()``). Runs on the
        syncing thread with the replica locked: do not call this Engine from it.
        An exception in ``fn`` defers. ``None`` unregisters."""
        if fn is None:
            self._call(_c.lib.hse_set_conflict_resolver, _c.RESOLVER_FN(), None)
            return

        def trampoline(_user, conflict, out):
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

        cb = _c.RESOLVER_FN(trampoline)
        self._keep.append(cb)
        self._call(_c.lib.hse_set_conflict_resolver, cb, None)
