package org.hsesync;

/**
 * The C API's result codes ({@code hse_code} in hsesync.h), with the same numbers.
 * The library only ever appends codes: one this binding does not know yet is
 * {@link #UNKNOWN} (the number stays in {@link HseException#getRawCode()}).
 */
public enum HseCode {
  OK(0),
  /** Bad input: a field ({@link HseException#getFields()}), JSON text, argument, entity. */
  INVALID(1),
  /** No such row or conflict. */
  NOT_FOUND(2),
  /** A duplicate id; a row with children deleted without cascade. */
  CONFLICT(3),
  /** Transient: connection refused, reset, DNS. */
  NETWORK(4),
  /** Transient: connect or read timeout. */
  TIMEOUT(5),
  /** The remote refused the credentials. */
  AUTH(6),
  /** Transient: the remote answered 429/503 (see {@link HseException#getRetryAfterSeconds()}). */
  RATE_LIMITED(7),
  /** Transient: a 5xx or a malformed answer from the remote. */
  SERVER(8),
  /** SQLite failed: disk full, corruption, locked past the busy timeout. */
  STORAGE(9),
  /** The replica has no remote configured. */
  NO_REMOTE(10),
  /** The replica file was written by a newer version of the library. */
  SCHEMA(11),
  /** A bug in hsesync: please report it with the message. */
  INTERNAL(12),
  /** The round was stopped by {@code stop()} or {@code close()}. */
  CANCELLED(13),
  /** Transient: another sync round is running; drop: the entry is in flight. */
  BUSY(14),
  /** The remote's TLS certificate or handshake failed verification. */
  TLS(15),
  /** waitSynced: only what the app must settle is left (rejected or held entries, conflicts). */
  UNSETTLED(16),
  /** A code newer than this binding. */
  UNKNOWN(-1);

  private final int value;

  HseCode(int value) {
    this.value = value;
  }

  /** The C API's number for this code. */
  public int value() {
    return value;
  }

  /** The C API's name of the code ("invalid", "not_found", ...; the library's {@code hse_code_name}). */
  public String cName() {
    return HseEngine.codeName(value);
  }

  /**
   * True when trying the same call again later may succeed (network, timeout,
   * rate_limited, server, busy); the library says which ({@code hse_code_is_transient}).
   */
  public boolean isTransient() {
    return this != UNKNOWN && HseEngine.codeIsTransient(value);
  }

  /** The code numbered {@code value}, or {@link #UNKNOWN}. */
  public static HseCode of(int value) {
    for (HseCode c : values()) {
      if (c.value == value) return c;
    }
    return UNKNOWN;
  }
}
