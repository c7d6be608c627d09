/* hsesync.h: the C API of hsesync, an offline-first sync engine for the 4HSE v2
 * entities (project, office, action, incident). This header is the reference.
 *
 * Conventions
 *  1. Opaque handles: an engine is a `hse_engine*`, obtained from hse_open() and
 *     released by hse_close(). hse_close(NULL) is harmless. Using a handle after
 *     hse_close() is undefined, like using memory after free().
 *  2. Every call returns an hse_code: HSE_OK (0) on success, a positive
 *     HSE_ERR_... code otherwise. Details of the calling thread's last failure come
 *     from hse_last_error() (a message) and hse_last_error_fields() (a JSON array of
 *     {"field", "message"}). hse_code_is_transient() says whether trying again later
 *     may help (network, timeout, rate limit, server, busy) or not (invalid, not
 *     found, conflict, ...).
 *  3. Records cross the boundary as UTF-8 JSON text; control and status as typed
 *     values. `entity` is the API's path segment: "project", "office", "action",
 *     "incident" (and "statuspage_incident", "statuspage_comment" for a replica
 *     of a status page). Status-page ids are the server's: a row created offline
 *     has a local id until its create is pushed, then the server's id; the local
 *     id keeps naming it in hse_get/hse_update/hse_delete (a "mapped" event says
 *     when).
 *  4. Output parameters are named out_...; the caller passes the address of a
 *     variable. On failure *out is set to NULL unless the function says otherwise.
 *     Strings the library returns through them are the caller's: free each with
 *     hse_free() (they come from malloc(), so free() works too). const char*
 *     results (hse_version, hse_last_error, hse_code_name) belong to the library:
 *     never free them.
 *  5. Pointer arguments must not be NULL unless the function says they may; a NULL
 *     handle or argument is answered with HSE_ERR_INVALID naming it, never a crash.
 *  6. Threads: an engine may be used from several threads at once (calls are
 *     serialised on the replica; a running sync round holds it only per page or
 *     per pushed entry, so local writes interleave with a round). hse_close() must
 *     not race with other calls on the same handle.
 *  7. Callbacks run on background threads, so they must not block for long:
 *     - events are delivered in order on the engine's own event thread, never while
 *       the engine holds a lock. An event callback may read and write the engine
 *       (hse_get, hse_query, hse_create, hse_resolve, ...) but must not call
 *       hse_sync, hse_wait_synced, hse_stop, hse_close or hse_set_event_callback,
 *       which wait for event delivery and would deadlock.
 *     - the conflict resolver runs on a thread of the round (the caller of
 *       hse_sync/hse_wait_synced, the scheduler's thread, or one of the push's send
 *       threads), one call at a time, like SQLite's conflict handler: it must NOT
 *       call any hse_ function with the same engine. Hand work to another thread.
 *  8. Nothing here throws or aborts: C++ exceptions never cross this boundary.
 *     The API evolves by adding functions and appending codes, never by changing a
 *     signature; only hse_* symbols are exported.
 */
#ifndef HSESYNC_H
#define HSESYNC_H

#include <stdint.h>

#if defined(_WIN32)
#  if defined(HSE_BUILDING_LIBRARY)
#    define HSE_EXPORT __declspec(dllexport)
#  else
#    define HSE_EXPORT __declspec(dllimport)
#  endif
#elif defined(HSE_BUILDING_LIBRARY)
#  define HSE_EXPORT __attribute__((visibility("default")))
#else
#  define HSE_EXPORT
#endif

/* Tells C++ callers that no call throws (convention 8). */
#ifdef __cplusplus
#  define HSE_NOEXCEPT noexcept
#else
#  define HSE_NOEXCEPT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header: major * 1000000 + minor * 1000 + patch. Compare it
 * with hse_version_number() at run time to check the header matches the library. */
#define HSE_VERSION "0.1.0"
#define HSE_VERSION_NUMBER 1000

/* The library's version, "MAJOR.MINOR.PATCH". Static storage: do not free. Any thread. */
HSE_EXPORT const char* hse_version(void) HSE_NOEXCEPT;
/* The library's version as HSE_VERSION_NUMBER encodes it. Any thread. */
HSE_EXPORT int hse_version_number(void) HSE_NOEXCEPT;

/* Result codes. Values are fixed and only ever appended. */
typedef enum hse_code {
  HSE_OK = 0,
  HSE_ERR_INVALID = 1,      /* bad input: a field (hse_last_error_fields), JSON text, argument, entity */
  HSE_ERR_NOT_FOUND = 2,    /* no such row or conflict */
  HSE_ERR_CONFLICT = 3,     /* a duplicate id; a row with children deleted without cascade */
  HSE_ERR_NETWORK = 4,      /* transient: connection refused, reset, DNS */
  HSE_ERR_TIMEOUT = 5,      /* transient: connect or read timeout; hse_wait_synced: not synced in time */
  HSE_ERR_AUTH = 6,         /* the remote refused the credentials */
  HSE_ERR_RATE_LIMITED = 7, /* transient: the remote answered 429/503 */
  HSE_ERR_SERVER = 8,       /* transient: a 5xx or a malformed answer from the remote */
  HSE_ERR_STORAGE = 9,      /* SQLite failed: disk full, corruption, locked past the busy timeout */
  HSE_ERR_NO_REMOTE = 10,   /* the replica has no remote configured */
  HSE_ERR_SCHEMA = 11,      /* the replica file was written by a newer version of the library */
  HSE_ERR_INTERNAL = 12,    /* a bug in hsesync: please report it with hse_last_error() */
  HSE_ERR_CANCELLED = 13,   /* the round was stopped by hse_stop() or hse_close() */
  HSE_ERR_BUSY = 14,        /* transient: another sync round is running; hse_drop: the entry is in flight */
  HSE_ERR_TLS = 15,         /* the remote's TLS certificate or handshake failed verification */
  HSE_ERR_UNSETTLED = 16    /* hse_wait_synced: only entries the app must settle are left */
} hse_code;

/* The code's name ("ok", "invalid", "not_found", ...); "unknown" for a value this
 * library does not know. Static storage. Any thread. */
HSE_EXPORT const char* hse_code_name(hse_code code) HSE_NOEXCEPT;
/* 1 when trying the same call again later may succeed (network, timeout,
 * rate_limited, server, busy), 0 otherwise. Any thread. */
HSE_EXPORT int hse_code_is_transient(hse_code code) HSE_NOEXCEPT;

/* The message of this thread's last failed call, "" after a call that succeeded.
 * Owned by the library; valid until this thread calls another hse_ function
 * (hse_last_error*, hse_free, hse_close, hse_version* and hse_code_* leave it as
 * it is). Never NULL. */
HSE_EXPORT const char* hse_last_error(void) HSE_NOEXCEPT;
/* The fields at fault in this thread's last failed call, as a JSON array of
 * {"field": ..., "message": ...} ("[]" when none). A refused write names every
 * field, like the server's 422; a malformed JSON argument is named by its
 * parameter name ("json", "patch_json", ...). Same lifetime as hse_last_error(). */
HSE_EXPORT const char* hse_last_error_fields(void) HSE_NOEXCEPT;

/* What the remote answered when this thread's last failed call failed on an HTTP
 * answer (a failed hse_sync round: its report's "error" then also carries
 * "http_status"), so an app can act on it without parsing a message.
 * hse_last_error_http_status: the HTTP status (401, 422, 429, 503, ...), 0 when the
 *   failure was no HTTP answer (a refused connection, a local error) or the call
 *   succeeded.
 * hse_last_error_retry_after: the seconds the remote's Retry-After asked to wait,
 *   -1 when it gave none.
 * Same lifetime as hse_last_error(). Any thread (each sees its own). */
HSE_EXPORT int hse_last_error_http_status(void) HSE_NOEXCEPT;
HSE_EXPORT int hse_last_error_retry_after(void) HSE_NOEXCEPT;

/* Frees a string the library returned through an out_ parameter. NULL is harmless. */
HSE_EXPORT void hse_free(void* p) HSE_NOEXCEPT;

typedef struct hse_engine hse_engine;

/* Opens the replica at `path` (a SQLite file, created if absent) and migrates it.
 * `config_json` (may be NULL, meaning "{}") is merged into the configuration the
 * replica stored, so "{}" reopens a replica as it was and, for a new file, makes a
 * replica with no remote: everything works offline and hse_sync() answers
 * HSE_ERR_NO_REMOTE. A remote is configured as
 *   {"remote": {"kind": "fourhse", "url": "https://...", "access_token": "..."},
 *    "scopes": {"projects": ["<project id>", ...]},       (optional: all projects)
 *    "policies": {"incident": "manual", "action": {"*": "merge", "name": "client_wins"}},
 *    "sync": {"interval_s": 60, "debounce_ms": 500, "backoff_max_s": 300}}
 * ("access_token" or "oauth": {"token_url", "client_id", "username", "password"};
 * optional "ca_file", "verify_tls", "connect_timeout_ms", "read_timeout_ms").
 * The configuration holds secrets: do not log it. Policies are merge (default),
 * server_wins, client_wins, manual and callback (see hse_set_conflict_resolver).
 * On success *out is a new handle, to be released with hse_close().
 * Errors: INVALID (NULL path or out, config not a JSON object), STORAGE (the file
 * cannot be opened), SCHEMA (the file is newer than this library). Any thread. */
HSE_EXPORT hse_code hse_open(const char* path, const char* config_json, hse_engine** out) HSE_NOEXCEPT;

/* Stops the scheduler (ending a running round after its current page or entry;
 * nothing applied is lost), waits for it, and frees the handle. After it returns no
 * callback of this engine runs any more. NULL is harmless. Must not be called from
 * a callback, nor while another thread uses the handle. */
HSE_EXPORT void hse_close(hse_engine* engine) HSE_NOEXCEPT;

/* --- Local reads and writes: offline, validated like the server validates. ------- */

/* Creates a row from the JSON object `json` (the entity's writable fields; the key
 * may be given, else a UUID is made). *out_json (may be NULL when not wanted) is
 * the row as stored, every field included. The write is journaled for the next push.
 * Errors: INVALID (validation: hse_last_error_fields names each field; malformed
 * JSON; unknown entity), CONFLICT (the id exists), STORAGE. Nothing is written on error. */
HSE_EXPORT hse_code hse_create(hse_engine* engine, const char* entity, const char* json, char** out_json) HSE_NOEXCEPT;

/* Creates every row of the JSON array `json_array` in one transaction: all or none.
 * A refusal names the item in its fields ("[3].name"). *out_json (may be NULL) is
 * the array of rows as stored. Errors as hse_create. */
HSE_EXPORT hse_code hse_create_many(hse_engine* engine, const char* entity, const char* json_array,
                                    char** out_json) HSE_NOEXCEPT;

/* Changes the fields of row `id` that `patch_json` (a JSON object) names.
 * *out_json (may be NULL) is the row as stored. Errors: INVALID (validation, an
 * immutable field, malformed JSON, unknown entity), NOT_FOUND (no such row), STORAGE. */
HSE_EXPORT hse_code hse_update(hse_engine* engine, const char* entity, const char* id, const char* patch_json,
                               char** out_json) HSE_NOEXCEPT;

/* Deletes row `id`. `cascade` non-zero also deletes its children (offices of a
 * project, actions and incidents of an office) and asks the server to do the same;
 * zero refuses to delete a row that has children (CONFLICT).
 * Errors: INVALID, NOT_FOUND, CONFLICT, STORAGE. */
HSE_EXPORT hse_code hse_delete(hse_engine* engine, const char* entity, const char* id, int cascade) HSE_NOEXCEPT;

/* The row `id` (whatever its validity) as a JSON object in *out_json.
 * Errors: INVALID, NOT_FOUND (no such row), STORAGE. */
HSE_EXPORT hse_code hse_get(hse_engine* engine, const char* entity, const char* id, char** out_json) HSE_NOEXCEPT;

/* The row `id` as it was at `at_ms` (replica time, ms since the epoch), from its
 * history. Errors: INVALID, NOT_FOUND (the row did not exist then), STORAGE. */
HSE_EXPORT hse_code hse_get_as_of(hse_engine* engine, const char* entity, const char* id, int64_t at_ms,
                                  char** out_json) HSE_NOEXCEPT;

/* Runs the remote index's query locally. `query_json` (may be NULL, meaning "{}")
 * takes the index body: {"filter": {...}, "sort": "-field", "page": 1, "per-page": 20,
 * "history": false}. *out_json is {"items": [...], "_meta": {"totalCount",
 * "pageCount", "currentPage", "perPage"}}. Rows that are not active (or whose parent
 * is not) are hidden unless "history" is true.
 * Errors: INVALID (unknown entity, filter or sort; malformed JSON), STORAGE. */
HSE_EXPORT hse_code hse_query(hse_engine* engine, const char* entity, const char* query_json,
                              char** out_json) HSE_NOEXCEPT;

/* Every version row `id` has had in this replica, oldest first, as a JSON array of
 * {"version", "valid_from", "valid_to", "origin", "op", "row", ...}.
 * Errors: INVALID, STORAGE (an unknown id answers "[]"). */
HSE_EXPORT hse_code hse_history(hse_engine* engine, const char* entity, const char* id, char** out_json) HSE_NOEXCEPT;

/* The journal (what the next push sends), in order, as a JSON array of
 * {"seq", "entity", "id", "op", "patch", "state", "attempts", "unanswered",
 *  "last_status", "last_error", "errors"?, "sent"?, "created_at", "cascade"}.
 * state: pending | in_flight | rejected (the server refused it: "errors" lists its
 * field errors) | blocked (waits for another entry: "last_error" says which) | held
 * (failed sync.max_attempts times on its own: "last_status" and "last_error" keep
 * the server's last answer). attempts: failures counted against the entry alone;
 * unanswered: sends whose answer never came (the write may have applied).
 * `filter_json` (NULL or "{}": all) narrows it: {"state": "held", "entity":
 * "incident", "id": "..."}, each part optional. Errors: INVALID (naming the filter's
 * bad part), STORAGE. */
HSE_EXPORT hse_code hse_journal(hse_engine* engine, const char* filter_json, char** out_json) HSE_NOEXCEPT;

/* Moves a held or rejected entry back to pending, its attempts cleared, to be sent
 * by the next round; seq 0 moves all of them (none is not an error).
 * Errors: NOT_FOUND (no such entry), INVALID (an entry in another state), STORAGE. */
HSE_EXPORT hse_code hse_retry(hse_engine* engine, int64_t seq) HSE_NOEXCEPT;

/* Discards an entry, with the other entries of its row (those blocked behind it):
 * the row returns to the server's version, or goes away (with the rows created
 * under it here) if the server never had it. The row's history keeps the dropped
 * values (origin "dropped") and a "dropped" event is emitted. Open conflicts of the
 * row are closed. Errors: NOT_FOUND, BUSY (one of the row's entries is in flight:
 * try again after the round), STORAGE. */
HSE_EXPORT hse_code hse_drop(hse_engine* engine, int64_t seq) HSE_NOEXCEPT;

/* {"pending", "in_flight", "rejected", "blocked", "held", "conflicts", "last_sync",
 * "schema_version"}: journal entries by state, open conflicts, and the end of the
 * last complete round (ms, null before the first). Errors: INVALID, STORAGE. */
HSE_EXPORT hse_code hse_status(hse_engine* engine, char** out_json) HSE_NOEXCEPT;

/* --- Sync --------------------------------------------------------------------- */

/* Runs one round (push the journal, then pull), blocking; one round at a time (a
 * second caller waits). The resolver runs on the calling thread; the round's
 * events have all been delivered when it returns.
 * *out_report_json (may be NULL) is the round's report: {"ok", "scanned", "stats": {"pushed",
 * "rejected", "blocked", "held", "failed", "conflicts", "pulled", "unchanged",
 * "deleted", "pages"},
 * "duration_ms", "error"?: {"code", "message", "transient", "retry_after_s"?}}.
 * It is set whenever a round ran, also when the remote failed: the round then
 * answers the failure's code (NETWORK, TIMEOUT, AUTH, RATE_LIMITED, SERVER,
 * CANCELLED, ...) and the report tells what was done before it. Such a round is
 * safe to repeat. Errors: NO_REMOTE, INVALID (the remote configuration), STORAGE. */
HSE_EXPORT hse_code hse_sync(hse_engine* engine, char** out_report_json) HSE_NOEXCEPT;

/* Starts the background scheduler: a round with a scan (the pull) at once; then
 * push-only rounds on sync.interval_s and soon after each local write, a scan every
 * sync.pull_interval_s (each scan downloads the whole scope: see "Pull cadence" in
 * docs/CONFIG.md), backoff after failures. A no-op when it runs. Errors: NO_REMOTE,
 * INVALID. */
HSE_EXPORT hse_code hse_start(hse_engine* engine) HSE_NOEXCEPT;

/* Stops the scheduler: the current round ends after its current page or entry
 * (nothing applied is lost); returns once the scheduler's thread is gone. A no-op
 * when it is not running. Must not be called from a callback. */
HSE_EXPORT hse_code hse_stop(hse_engine* engine) HSE_NOEXCEPT;

/* Waits until everything is synced: nothing pending, in flight or blocked, and a
 * round ended well. Runs rounds itself (on this thread) when the scheduler is
 * stopped. HSE_OK when synced; HSE_ERR_UNSETTLED as soon as all that is left waits
 * for the app (rejected or held entries, open conflicts: see hse_journal, hse_retry,
 * hse_drop, hse_resolve); HSE_ERR_TIMEOUT when `timeout_ms` passed first.
 * Errors: UNSETTLED, TIMEOUT, NO_REMOTE, STORAGE. */
HSE_EXPORT hse_code hse_wait_synced(hse_engine* engine, int64_t timeout_ms) HSE_NOEXCEPT;

/* --- Conflicts ------------------------------------------------------------------ */

/* Open conflicts (policy manual, or a resolver that deferred), oldest first, as a
 * JSON array of {"conflict_id", "entity", "id", "kind", "base", "local", "remote",
 * "fields", "created_at", ...}. `kind` is one of
 *   update_update     both sides changed the fields listed in "fields"
 *   update_delete     edited here, deleted on the server
 *   delete_update     deleted here, edited on the server
 *   create_collision  the id exists on the server with other content
 * The row is marked conflict until resolved. Errors: INVALID, STORAGE. */
HSE_EXPORT hse_code hse_conflicts(hse_engine* engine, char** out_json) HSE_NOEXCEPT;

/* Resolves conflict `conflict_id` with `resolution_json`, one of
 *   {"take": "local"}    keep this replica's version (pushed next round)
 *   {"take": "remote"}   keep the server's version
 *   {"row": {...}}       values for the fields in conflict (update_update and
 *                        create_collision only); the rest of the row stays.
 * Needs no network: it decides what the next push sends. Both versions stay in the
 * row's history. Errors: NOT_FOUND (unknown or already resolved), INVALID
 * (malformed resolution, or a row the catalog refuses), CONFLICT (the row is gone
 * meanwhile), STORAGE. */
HSE_EXPORT hse_code hse_resolve(hse_engine* engine, const char* conflict_id, const char* resolution_json) HSE_NOEXCEPT;

/* --- Callbacks ------------------------------------------------------------------ */

/* Receives the engine's events, one JSON object each, {"type": ...}. This list is
 * the reference for every binding (tests/docs/check_events.py checks it against
 * what the engine emits):
 *   round_started
 *   phase {"phase": "push"|"pull"}
 *   entity {"entity"}, page {"entity", "page", "pages", "rows"} (the pull's progress)
 *   conflict {"conflict_id", "entity", "id", "kind"} (left to the app, or decided)
 *   rejected {"entity", "id", "seq", "errors"} (the server refused an entry)
 *   held {"entity", "id", "seq", "attempts", "status", "error"} (an entry failed
 *     sync.max_attempts times on its own; it waits for hse_retry or hse_drop)
 *   dropped {"entity", "id", "entries", "restored"} (hse_drop removed a row's
 *     entries; "restored" is the server's last known row, null for none)
 *   mapped {"entity", "local_id", "id"} (a row created here got the server's id)
 *   discarded {"entity", "id", "op", "row", "reason"} (a local change dropped
 *     because its row or parent was deleted on the server; history keeps it)
 *   online, offline, error {"error"}
 *   round_finished {"report"}
 * `event_json` is valid only during the call. */
typedef void (*hse_event_fn)(void* user, const char* event_json);

/* Registers `cb` (NULL: none) with its `user` pointer, replacing the previous one;
 * when it returns, the previous callback is not running and is not called again,
 * so its `user` may go. Runs on the engine's event thread (convention 7). Any
 * thread but the event thread. Errors: INVALID (NULL engine). */
HSE_EXPORT hse_code hse_set_event_callback(hse_engine* engine, hse_event_fn cb, void* user) HSE_NOEXCEPT;

/* What a resolver answers. */
enum {
  HSE_RESOLVE_DEFER = 0,  /* leave the conflict to the app: it is listed by hse_conflicts() */
  HSE_RESOLVE_DECIDED = 1 /* *resolution_json holds the decision */
};

/* Decides a conflict during a round, for the entities and fields whose policy is
 * "callback" (without a resolver, "callback" behaves as "manual"). `conflict_json`
 * is the conflict as hse_conflicts() lists it (without conflict_id yet), valid only
 * during the call. To decide, set *resolution_json to a string allocated with
 * malloc() (e.g. strdup; the library frees it) and return HSE_RESOLVE_DECIDED.
 * The answers each kind accepts:
 *   kind              {"take":"local"}  {"take":"remote"}  {"row":{...}}
 *   update_update          yes               yes              yes (values for "fields")
 *   update_delete          yes               yes              no
 *   delete_update          yes               yes              no
 *   create_collision       yes               yes              no
 * Any other answer, a malformed one, or HSE_RESOLVE_DEFER leaves the conflict to
 * the app, as the manual policy does. Runs on a thread of the round, one call at a
 * time (convention 7): it must not block and must not call back into this engine. */
typedef int (*hse_resolver_fn)(void* user, const char* conflict_json, char** resolution_json);

/* Registers `cb` (NULL: none) with its `user` pointer, replacing the previous one.
 * A round already running may still call the previous resolver; after hse_stop()
 * (or a running hse_sync()) returns, none does, so keep its `user` valid until
 * then. Errors: INVALID (NULL engine). Any thread. */
HSE_EXPORT hse_code hse_set_conflict_resolver(hse_engine* engine, hse_resolver_fn cb, void* user) HSE_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* HSESYNC_H */
