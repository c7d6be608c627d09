package org.hsesync;

/** A field at fault in a refused call: its name ("name", "[3].country", "json") and why. */
public final class FieldError {
  private final String field;
  private final String message;

  public FieldError(String field, String message) {
    this.field = field;
    this.message = message;
  }

  public String getField() {
    return field;
  }

  public String getMessage() {
    return message;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FieldError)) return false;
    FieldError other = (FieldError) o;
    return field.equals(other.field) && message.equals(other.message);
  }

  @Override
  public int hashCode() {
    return field.hashCode() * 31 + message.hashCode();
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
