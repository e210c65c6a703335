package io.modelfleet.protocol.model;

import java.util.Locale;

/**
 * Where a deployment asks its replicas to run. AUTO takes a GPU when the node has one, else the
 * CPU.
 */
public enum DeviceKind {
  AUTO,
  CPU,
  GPU;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "auto|cpu|gpu" (any case); null when the name is none of them. */
  public static DeviceKind parse(String s) {
    if (s == null) {
      return null;
    }
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
