package io.modelfleet.protocol.security;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.model.Names;

/**
 * Which models of its tenant a key's model permissions cover: {@code *} (every model), an exact
 * model name ({@code fraud}), or a prefix ending in {@code *} ({@code team-a.*}, {@code team-a-*}).
 * A model name never contains {@code *} ({@link Names}), so a trailing star always means a prefix.
 */
public record Grant(String pattern) implements FleetSerializable {

  public static final Grant ALL = new Grant("*");

  public Grant {
    String problem = problem(pattern);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Whether the grant covers {@code model}. */
  public boolean covers(String model) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith("*")) {
      return model.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return model.equals(pattern);
  }

  /** Null when {@code pattern} is a valid grant, else the sentence a client should see. */
  public static String problem(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      return "a grant must not be empty; use \"*\" for every model of the tenant";
    }
    if (pattern.equals("*")) {
      return null;
    }
    String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
    String problem = Names.problem("grant", name);
    if (problem != null) {
      return "grant '"
          + pattern
          + "' must be \"*\", a model name, or a model-name prefix ending in \"*\"";
    }
    return null;
  }
}
