package io.modelfleet.ops.alerts.notify;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's fingerprint of a label set: FNV-1a (64 bit) over the labels sorted by name, each
 * name and value followed by the byte 0xFF, written as 16 hex digits. The same labels give the same
 * fingerprint on every node, so an alert raised again by another node (a new leader) is the same
 * alert to Alertmanager.
 */
public final class Fingerprint {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;
  private static final int SEPARATOR = 0xFF;

  private Fingerprint() {}

  public static String of(Map<String, String> labels) {
    long h = OFFSET;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      h = add(h, e.getKey());
      h = addByte(h, SEPARATOR);
      h = add(h, e.getValue());
      h = addByte(h, SEPARATOR);
    }
    return String.format("%016x", h);
  }

  private static long add(long h, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = addByte(h, b & 0xFF);
    }
    return h;
  }

  private static long addByte(long h, int b) {
    return (h ^ b) * PRIME;
  }
}
