package org.hsesync;

import java.nio.charset.StandardCharsets;

/**
 * A replica of the 4HSE v2 entities (one SQLite file) that works offline and syncs
 * with the server: the C API of hsesync.h over JNI. Records, queries, reports and
 * events cross as JSON text; failures throw {@link HseException}.
 *
 * <pre>{@code
 * try (HseEngine db = HseEngine.open("replica.db", "{\"remote\": {\"url\": \"https://...\", \"access_token\": \"...\"}}")) {
 *   String row = db.create("project", "{\"name\": \"Acme\", \"country\": \"IT\"}");
 *   db.sync();
 * }
 * }</pre>
 *
 * <p>Threads: one engine may be used from several threads at once. Callbacks run on
 * the engine's own threads, attached to the JVM while they live: see
 * {@link HseEventListener} and {@link HseConflictResolver} for what they may call.
 * {@link #close()} waits for calls running in other threads to return, then stops the
 * scheduler; calls after it throw {@link HseException} ({@link HseCode#INVALID}).
 */
public final class HseEngine implements AutoCloseable {
  static {
    NativeLibrary.load();
  }

  private final Object gate = new Object();
  private long handle;  // the shim's engine; 0 once closed. Guarded by gate.
  private boolean closing;
  private int inFlight;  // calls running now; close() waits for none

  private HseEngine(long handle) {
    this.handle = handle;
  }

  /**
   * Opens the replica at {@code path} (created if absent) and migrates it.
   * {@code configJson} (null: "{}") is merged into the stored configuration:
   * {"remote": {"kind": "fourhse", "url": ..., "access_token": ...}, "scopes": ...,
   * "policies": ..., "sync": ...} (see hsesync.h). It holds secrets: do not log it.
   */
  public static HseEngine open(String path, String configJson) {
    return new HseEngine(nOpen(arg(path, "path"), arg(configJson, "config_json")));
  }

  /** Opens the replica at {@code path} as it was stored (a new one has no remote: offline only). */
  public static HseEngine open(String path) {
    return open(path, null);
  }

  /** The library's version, "MAJOR.MINOR.PATCH". */
  public static String version() {
    return nVersion();
  }

  // --- Local reads and writes: offline, validated like the server validates. ---

  /** Creates a row from a JSON object; returns the row as stored. INVALID names each field at fault. */
  public String create(String entity, String json) {
    return call(false, h -> text(nCreate(h, arg(entity, "entity"), arg(json, "json"))));
  }

  /** Creates every row of a JSON array in one transaction, all or none; returns them as stored. */
  public String createMany(String entity, String jsonArray) {
    return call(false, h -> text(nCreateMany(h, arg(entity, "entity"), arg(jsonArray, "json_array"))));
  }

  /** Changes the fields {@code patchJson} names; returns the row as stored. */
  public String update(String entity, String id, String patchJson) {
    return call(false, h -> text(nUpdate(h, arg(entity, "entity"), arg(id, "id"), arg(patchJson, "patch_json"))));
  }

  /** Deletes row {@code id}; {@code cascade} also deletes its children (else a row with children: CONFLICT). */
  public void delete(String entity, String id, boolean cascade) {
    call(false, h -> {
      nDelete(h, arg(entity, "entity"), arg(id, "id"), cascade);
      return null;
    });
  }

  /** Deletes row {@code id}, refusing (CONFLICT) when it has children. */
  public void delete(String entity, String id) {
    delete(entity, id, false);
  }

  /** Row {@code id} as JSON (whatever its validity), or null when there is none. */
  public String get(String entity, String id) {
    return call(false, h -> text(nGet(h, arg(entity, "entity"), arg(id, "id"))));
  }

  /** Row {@code id} as it was at {@code atMs} (ms since the epoch), or null when it did not exist then. */
  public String getAsOf(String entity, String id, long atMs) {
    return call(false, h -> text(nGetAsOf(h, arg(entity, "entity"), arg(id, "id"), atMs)));
  }

  /**
   * Runs the remote index's query locally: {"filter": {...}, "sort": "-field", "page": 1,
   * "per-page": 20, "history": false} (null: "{}"). Answers {"items": [...], "_meta": {...}}.
   */
  public String query(String entity, String queryJson) {
    return call(false, h -> text(nQuery(h, arg(entity, "entity"), arg(queryJson, "query_json"))));
  }

  /** Every version row {@code id} has had in this replica, oldest first, as a JSON array. */
  public String history(String entity, String id) {
    return call(false, h -> text(nHistory(h, arg(entity, "entity"), arg(id, "id"))));
  }

  /**
   * The journal (what the next push sends), in order, as a JSON array of {"seq",
   * "entity", "id", "op", "state", "attempts", "last_status", "last_error", ...}.
   * {@code filterJson} narrows it: {"state": "held", "entity": "incident", "id": "..."},
   * each part optional (null: all). INVALID names a bad part of the filter.
   */
  public String journal(String filterJson) {
    return call(false, h -> text(nJournal(h, arg(filterJson, "filter_json"))));
  }

  /** The whole journal, in order. */
  public String journal() {
    return journal(null);
  }

  /**
   * Moves a held or rejected entry back to pending, its attempts cleared, for the next
   * round; {@code seq} 0 moves all of them. NOT_FOUND: no such entry; INVALID: an
   * entry in another state.
   */
  public void retry(long seq) {
    call(false, h -> {
      nRetry(h, seq);
      return null;
    });
  }

  /**
   * Discards an entry with the other entries of its row: the row returns to the
   * server's version, or goes away if the server never had it (its history keeps the
   * dropped values). BUSY while one of the row's entries is in flight.
   */
  public void drop(long seq) {
    call(false, h -> {
      nDrop(h, seq);
      return null;
    });
  }

  /** {"pending", "in_flight", "rejected", "blocked", "held", "conflicts", "last_sync", "schema_version"}. */
  public String status() {
    return call(false, h -> text(nStatus(h)));
  }

  // --- Sync ---

  /**
   * Runs one round (push, then pull) on this thread and returns its report. A failed
   * round throws the failure ({@link HseException#getReport()} tells what was done
   * before it; such a round is safe to repeat); without a remote, NO_REMOTE.
   */
  public String sync() {
    return call(true, h -> text(nSync(h)));
  }

  /** Starts the background scheduler (a round at once, then on the interval and after writes). */
  public void start() {
    call(false, h -> {
      nStart(h);
      return null;
    });
  }

  /** Stops the scheduler after its current page or entry (nothing applied is lost). */
  public void stop() {
    call(true, h -> {
      nStop(h);
      return null;
    });
  }

  /**
   * Waits until everything is synced, running rounds itself when the scheduler is
   * stopped. True when synced, false when {@code timeoutMs} passed first; UNSETTLED
   * when only what the app must settle is left (rejected or held entries, conflicts).
   */
  public boolean waitSynced(long timeoutMs) {
    return call(true, h -> nWaitSynced(h, timeoutMs));
  }

  // --- Conflicts ---

  /** Open conflicts, oldest first, as a JSON array of {"conflict_id", "entity", "id", "kind", ...}. */
  public String conflicts() {
    return call(false, h -> text(nConflicts(h)));
  }

  /** Resolves a conflict with {"take": "local"}, {"take": "remote"} or {"row": {...}}. */
  public void resolve(String conflictId, String resolutionJson) {
    call(false, h -> {
      nResolve(h, arg(conflictId, "conflict_id"), arg(resolutionJson, "resolution_json"));
      return null;
    });
  }

  // --- Callbacks ---

  /**
   * Registers {@code listener} (null: none), replacing the previous one; once this
   * returns, the previous one is not running and is not called again.
   */
  public void setEventListener(HseEventListener listener) {
    call(true, h -> {
      nSetEventListener(h, listener == null ? null : new Callbacks.EventDispatch(this, listener));
      return null;
    });
  }

  /**
   * Registers {@code resolver} (null: none), replacing the previous one. A round
   * already running may still call the previous one.
   */
  public void setConflictResolver(HseConflictResolver resolver) {
    call(false, h -> {
      nSetConflictResolver(h, resolver == null ? null : new Callbacks.ResolverDispatch(this, resolver));
      return null;
    });
  }

  /**
   * Waits for calls running in other threads to return, stops the scheduler (ending a
   * running round after its current page or entry), and closes the replica. After it
   * returns no listener or resolver of this engine runs any more, and the engine's
   * threads are detached from the JVM. Harmless when already closed. Must not be
   * called from a listener or resolver.
   */
  @Override
  public void close() {
    if (Callbacks.inListener.get() == this || Callbacks.inResolver.get() == this)
      throw new HseException(HseCode.INVALID, "close() must not be called from this engine's listener or resolver");
    long h;
    boolean interrupted = false;
    synchronized (gate) {
      while (closing) {  // another thread is closing it: wait until it is closed
        try {
          gate.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (handle == 0) return;
      closing = true;
      while (inFlight > 0) {
        try {
          gate.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      h = handle;
    }
    try {
      // Outside the gate: a listener still running meanwhile gets "closed", not a deadlock.
      nClose(h);
    } finally {
      synchronized (gate) {
        handle = 0;
        closing = false;
        gate.notifyAll();
      }
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  // --- Internals ---

  static boolean codeIsTransient(int code) {
    return nCodeIsTransient(code);
  }

  static String codeName(int code) {
    return nCodeName(code);
  }

  // Admits a call: the engine must be open, and a callback may not make it.
  // `waitsForEvents`: the call waits for event delivery, so a listener may not make it.
  private long enter(boolean waitsForEvents) {
    if (Callbacks.inResolver.get() == this)
      throw new HseException(HseCode.INVALID, "the conflict resolver must not call its engine (the replica is locked)");
    if (waitsForEvents && Callbacks.inListener.get() == this)
      throw new HseException(HseCode.INVALID,
                             "an event listener must not call sync, waitSynced, stop, close or setEventListener");
    synchronized (gate) {
      if (handle == 0 || closing) throw new HseException(HseCode.INVALID, "the engine is closed");
      inFlight++;
      return handle;
    }
  }

  private interface Call<T> {
    T run(long handle);
  }

  // Runs `body` with the engine's handle as one admitted call (see enter).
  private <T> T call(boolean waitsForEvents, Call<T> body) {
    long h = enter(waitsForEvents);
    try {
      return body.run(h);
    } finally {
      exit();
    }
  }

  private void exit() {
    synchronized (gate) {
      if (--inFlight == 0) gate.notifyAll();
    }
  }

  // Text for C: UTF-8 bytes (JNI's own strings are modified UTF-8, not what the C API
  // reads). A NUL would end the C string early, so it is refused here, by name.
  private static byte[] arg(String text, String name) {
    if (text == null) return null;
    if (text.indexOf('\0') >= 0)
      throw new HseException(HseCode.INVALID.value(), name + " contains a NUL character",
                             java.util.Collections.singletonList(new FieldError(name, "contains a NUL character")), 0,
                             -1, null);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] utf8) {
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  private static native String nVersion();
  private static native boolean nCodeIsTransient(int code);
  private static native String nCodeName(int code);
  private static native long nOpen(byte[] path, byte[] configJson);
  private static native void nClose(long h);
  private static native byte[] nCreate(long h, byte[] entity, byte[] json);
  private static native byte[] nCreateMany(long h, byte[] entity, byte[] jsonArray);
  private static native byte[] nUpdate(long h, byte[] entity, byte[] id, byte[] patchJson);
  private static native void nDelete(long h, byte[] entity, byte[] id, boolean cascade);
  private static native byte[] nGet(long h, byte[] entity, byte[] id);
  private static native byte[] nGetAsOf(long h, byte[] entity, byte[] id, long atMs);
  private static native byte[] nQuery(long h, byte[] entity, byte[] queryJson);
  private static native byte[] nHistory(long h, byte[] entity, byte[] id);
  private static native byte[] nJournal(long h, byte[] filterJson);
  private static native void nRetry(long h, long seq);
  private static native void nDrop(long h, long seq);
  private static native byte[] nStatus(long h);
  private static native byte[] nSync(long h);
  private static native void nStart(long h);
  private static native void nStop(long h);
  private static native boolean nWaitSynced(long h, long timeoutMs);
  private static native byte[] nConflicts(long h);
  private static native void nResolve(long h, byte[] conflictId, byte[] resolutionJson);
  private static native void nSetEventListener(long h, Callbacks.EventDispatch dispatch);
  private static native void nSetConflictResolver(long h, Callbacks.ResolverDispatch dispatch);
}
