package io.modelfleet.ops.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanContext;
import org.junit.jupiter.api.Test;

class TraceparentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void aValidHeaderIsTheRemoteParentAndWritesBackUnchanged() {
    SpanContext c = Traceparent.parse(VALID);
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", c.getTraceId());
    assertEquals("00f067aa0ba902b7", c.getSpanId());
    assertTrue(c.isSampled());
    assertTrue(c.isRemote());
    assertEquals(VALID, Traceparent.of(c));
    assertEquals(false, Traceparent.parse(VALID.replace("-01", "-00")).isSampled());
  }

  @Test
  void malformedHeadersStartANewTrace() {
    assertNull(Traceparent.parse(null));
    assertNull(Traceparent.parse(""));
    assertNull(Traceparent.parse("ff" + VALID.substring(2)), "version ff is invalid");
    assertNull(Traceparent.parse(VALID + "-extra"), "version 00 has exactly four fields");
    assertNull(Traceparent.parse(VALID.toUpperCase()), "upper-case hex is invalid");
    assertNull(
        Traceparent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        "an all-zero trace id is invalid");
    assertNull(Traceparent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  }
}
