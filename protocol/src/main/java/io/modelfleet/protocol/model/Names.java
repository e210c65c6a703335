package io.modelfleet.protocol.model;

import java.util.regex.Pattern;

/**
 * Model and version names. They become entity ids ("model/version/index") and path segments, so
 * they are restricted to a safe alphabet; the check returns the sentence a client should see.
 *
 * <p>Versions are exact strings everywhere (registry, routing table, replica ids, repository file
 * keys, request paths): "01" is not "1". Triton clients, however, think of versions as integers
 * (Triton parses {@code model_version} into an int64), so a server that held both "1" and "01"
 * would mean two different things to two kinds of client. A new numeric version is therefore
 * refused unless it is written in its canonical form ({@link #versionProblem}): for every version
 * that can be registered, comparing as strings and comparing as integers agree. A reference to a
 * version ("deploy 01", "/versions/01/infer") is looked up exactly and answers 404 when absent.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private Names() {}

  private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

  /**
   * Null when {@code value} may name a new version, else the sentence naming {@code field}: a valid
   * name ({@link #problem}) that, when it is all digits, has no leading zero ("0" is allowed).
   */
  public static String versionProblem(String field, String value) {
    String problem = problem(field, value);
    if (problem != null) {
      return problem;
    }
    if (value.length() > 1 && value.charAt(0) == '0' && NUMERIC.matcher(value).matches()) {
      String canonical = value.replaceFirst("^0+(?=.)", "");
      return field
          + " '"
          + value
          + "' has a leading zero; numeric versions are compared as integers by"
          + " Triton clients, so write it as '"
          + canonical
          + "'";
    }
    return null;
  }

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
