package io.modelfleet.ops.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The W3C {@code traceparent} header ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}):
 * read from a client or from the gateway's request to a replica, and written for the next hop. A
 * malformed value is ignored (a new trace starts), as the W3C recommendation says.
 */
public final class Traceparent {
  private Traceparent() {}

  /** The remote parent a header names, or null when it is absent or malformed. */
  public static SpanContext parse(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (h.length() < 55 || h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-') {
      return null;
    }
    String version = h.substring(0, 2);
    if (!hex(version) || version.equals("ff") || (version.equals("00") && h.length() != 55)) {
      return null;
    }
    String flags = h.substring(53, 55);
    if (!hex(flags)) {
      return null;
    }
    SpanContext c =
        SpanContext.createFromRemoteParent(
            h.substring(3, 35),
            h.substring(36, 52),
            TraceFlags.fromByte((byte) Integer.parseInt(flags, 16)),
            TraceState.getDefault());
    return c.isValid() ? c : null;
  }

  /** The header naming {@code context} as the parent of the next hop. */
  public static String of(SpanContext context) {
    return "00-"
        + context.getTraceId()
        + "-"
        + context.getSpanId()
        + "-"
        + context.getTraceFlags().asHex();
  }

  private static boolean hex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
