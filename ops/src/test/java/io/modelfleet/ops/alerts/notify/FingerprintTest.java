package io.modelfleet.ops.alerts.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  /** The values of prometheus/common's signature tests, which Alertmanager's fingerprints use. */
  @Test
  void matchesPrometheusLabelSignatures() {
    assertEquals(
        Long.toHexString(Long.parseUnsignedLong("14695981039346656037")), Fingerprint.of(Map.of()));
    assertEquals(
        String.format("%016x", Long.parseUnsignedLong("5799056148416392346")),
        Fingerprint.of(Map.of("name", "garland, briggs", "fear", "love is not enough")));
  }

  @Test
  void orderDoesNotMatterButEveryPairDoes() {
    assertEquals(
        Fingerprint.of(Map.of("a", "b", "c", "d")), Fingerprint.of(Map.of("c", "d", "a", "b")));
    assertEquals(16, Fingerprint.of(Map.of("a", "bc")).length());
    org.junit.jupiter.api.Assertions.assertNotEquals(
        Fingerprint.of(Map.of("a", "bc")), Fingerprint.of(Map.of("ab", "c")));
  }
}
