package org.hsesync;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough JSON reading for the tests (the binding hands JSON text to the app's own library). */
final class Json {
  private Json() {}

  /** The first string value of "key" (null if none). */
  static String string(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  /** The first integer value of "key" (Long.MIN_VALUE if none). */
  static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : Long.MIN_VALUE;
  }

  /** Every string value of "key", in order. */
  static List<String> strings(String json, String key) {
    List<String> all = new ArrayList<>();
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    while (m.find()) all.add(m.group(1));
    return all;
  }
}
