package io.modelfleet.protocol.model;

import java.util.regex.Pattern;

/**
 * Model and version names. They become entity ids ("model/version/index") and path segments, so
 * they are restricted to a safe alphabet; the check returns the sentence a client should see.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private Names() {}

  /** Null when valid, else the error sentence naming {@code field}. */
  public static String problem(String field, String value) {
    if (value == null || value.isEmpty()) {
      return field + " must not be empty";
    }
    if (!NAME.matcher(value).matches()) {
      return field + " '" + value + "' must match [A-Za-z0-9][A-Za-z0-9_.-]{0,127}";
    }
    return null;
  }
}
