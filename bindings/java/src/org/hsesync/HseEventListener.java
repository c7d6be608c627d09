package org.hsesync;

/**
 * Receives the engine's events, one JSON object each ({"type": ...}; the types and
 * their fields are listed at hse_event_fn in bindings/c/include/hsesync.h).
 *
 * <p>Runs on the engine's event thread, in order, never while the engine holds a
 * lock. It may read and write the engine (get, query, create, resolve, ...) but not
 * call sync, waitSynced, stop, close or setEventListener: those wait for event
 * delivery and throw {@link HseException} ({@link HseCode#INVALID}) from here. What it
 * throws is printed and ignored. Keep it short: hand long work to another thread.
 */
@FunctionalInterface
public interface HseEventListener {
  void onEvent(String eventJson);
}
