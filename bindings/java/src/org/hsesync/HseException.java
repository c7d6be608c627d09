package org.hsesync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A failed hsesync call. An app decides from the values here, never from the message:
 * {@link #getCode()} (and {@link #isTransient()}: trying again later may help),
 * {@link #getFields()} for a refused write, and for a failure the remote answered,
 * {@link #getHttpStatus()} and {@link #getRetryAfterSeconds()}. A failed
 * {@link HseEngine#sync()} also carries the round's report ({@link #getReport()}).
 *
 * <pre>{@code
 * try {
 *   db.sync();
 * } catch (HseException e) {
 *   if (e.getCode() == HseCode.RATE_LIMITED && e.getRetryAfterSeconds() >= 0) {
 *     later(e.getRetryAfterSeconds());
 *   } else if (e.isTransient()) {
 *     later(60);
 *   } else {
 *     show(e.getMessage());
 *   }
 * }
 * }</pre>
 */
public class HseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int rawCode;
  private final List<FieldError> fields;
  private final int httpStatus;
  private final int retryAfterSeconds;
  private final String report;

  public HseException(HseCode code, String message) {
    this(code.value(), message, Collections.<FieldError>emptyList(), 0, -1, null);
  }

  public HseException(int rawCode, String message, List<FieldError> fields, int httpStatus, int retryAfterSeconds,
                      String report) {
    super(message);
    this.rawCode = rawCode;
    this.fields = Collections.unmodifiableList(new ArrayList<FieldError>(fields));
    this.httpStatus = httpStatus;
    this.retryAfterSeconds = retryAfterSeconds;
    this.report = report;
  }

  /** The code ({@link HseCode#UNKNOWN} for one newer than this binding). */
  public HseCode getCode() {
    return HseCode.of(rawCode);
  }

  /** The C API's number for the code, also for an unknown one. */
  public int getRawCode() {
    return rawCode;
  }

  /** True when trying the same call again later may succeed. */
  public boolean isTransient() {
    return HseEngine.codeIsTransient(rawCode);
  }

  /** The fields at fault, each named as the server names them (empty when none). */
  public List<FieldError> getFields() {
    return fields;
  }

  /** The HTTP status the remote answered (401, 429, 503, ...), 0 when the failure was no HTTP answer. */
  public int getHttpStatus() {
    return httpStatus;
  }

  /** The seconds the remote's Retry-After asked to wait, -1 when it gave none. */
  public int getRetryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** For a failed {@link HseEngine#sync()}: the round's report (JSON: what was done before the failure); else null. */
  public String getReport() {
    return report;
  }

  // Built by the JNI shim from the C API's last error; text arrives as UTF-8 bytes.
  static HseException fromNative(int rawCode, byte[] message, byte[][] fieldPairs, int httpStatus,
                                 int retryAfterSeconds, byte[] report) {
    List<FieldError> fields = new ArrayList<FieldError>();
    for (int i = 0; i + 1 < fieldPairs.length; i += 2) {
      fields.add(new FieldError(utf8(fieldPairs[i]), utf8(fieldPairs[i + 1])));
    }
    return new HseException(rawCode, utf8(message), fields, httpStatus, retryAfterSeconds,
                            report == null ? null : utf8(report));
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
