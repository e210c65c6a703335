package io.modelfleet.protocol.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfTest {

  private static void assertFp16(int expected, float f) {
    assertEquals((short) expected, Half.toFp16(f), () -> "toFp16(" + f + ")");
  }

  private static void assertBf16(int expected, float f) {
    assertEquals((short) expected, Half.toBf16(f), () -> "toBf16(" + f + ")");
  }

  @Test
  void fp16KnownValues() {
    assertFp16(0x3C00, 1.0f);
    assertFp16(0xC000, -2.0f);
    assertFp16(0x3800, 0.5f);
    assertFp16(0x7BFF, 65504f);
    assertFp16(0x0000, 0.0f);
    assertFp16(0x8000, -0.0f);
    assertFp16(0x0400, 0x1p-14f);
    assertFp16(0x0001, 0x1p-24f);
    assertFp16(0x7C00, Float.POSITIVE_INFINITY);
    assertFp16(0xFC00, Float.NEGATIVE_INFINITY);
    assertEquals(1.0f, Half.fromFp16((short) 0x3C00));
    assertEquals(-2.0f, Half.fromFp16((short) 0xC000));
    assertEquals(65504f, Half.fromFp16((short) 0x7BFF));
    assertEquals(0x1p-24f, Half.fromFp16((short) 0x0001));
    assertEquals(Float.NEGATIVE_INFINITY, Half.fromFp16((short) 0xFC00));
    assertTrue(Float.isNaN(Half.fromFp16(Half.toFp16(Float.NaN))));
    assertTrue(Float.isNaN(Half.fromFp16(Half.toFp16(Float.intBitsToFloat(0x7F800001)))));
  }

  @Test
  void fp16RoundsToNearestEven() {
    // Exactly halfway between 1.0 (0x3C00, even) and the next value: stays at 1.0.
    assertFp16(0x3C00, 1.0f + 0x1p-11f);
    // Halfway between 0x3C01 (odd) and 0x3C02: goes to the even one.
    assertFp16(0x3C02, 1.0f + 3 * 0x1p-11f);
    assertFp16(0x3C01, 1.0f + 0x1p-11f + 0x1p-20f);
    // 65520 is halfway between the largest finite (odd mantissa) and infinity.
    assertFp16(0x7C00, 65520f);
    assertFp16(0x7BFF, 65519f);
    assertFp16(0x7C00, 1e6f);
    // Subnormal ties: 2^-25 is half the smallest subnormal and rounds to even zero.
    assertFp16(0x0000, 0x1p-25f);
    assertFp16(0x0001, 0x1.8p-25f);
    assertFp16(0x0002, 0x1.8p-24f);
    assertFp16(0x0000, 0x1p-30f);
    // The largest subnormal rounding up carries into the smallest normal.
    assertFp16(0x0400, 0x1p-14f - 0x1p-26f);
  }

  @Test
  void everyFp16ValueRoundTrips() {
    for (int h = 0; h <= 0xFFFF; h++) {
      float f = Half.fromFp16((short) h);
      if (Float.isNaN(f)) {
        assertTrue((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0);
        continue;
      }
      assertEquals((short) h, Half.toFp16(f), "fp16 bits " + Integer.toHexString(h));
    }
  }

  @Test
  void fp16PicksTheNearestRepresentable() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      float f = (float) rnd.nextDouble(-65504, 65504) * (float) Math.pow(2, -rnd.nextInt(30));
      short h = Half.toFp16(f);
      double err = Math.abs((double) Half.fromFp16(h) - f);
      for (int step : new int[] {-1, 1}) {
        int n = (h & 0x7FFF) + step;
        if (n < 0 || n > 0x7BFF) {
          continue;
        }
        double other = Math.abs((double) Half.fromFp16((short) ((h & 0x8000) | n)) - f);
        assertTrue(err <= other, () -> f + " -> " + Integer.toHexString(h & 0xFFFF));
      }
    }
  }

  @Test
  void bf16KnownValuesAndRounding() {
    assertBf16(0x3F80, 1.0f);
    assertBf16(0xC000, -2.0f);
    assertBf16(0x0000, 0.0f);
    assertBf16(0x7F80, Float.POSITIVE_INFINITY);
    assertEquals(1.0f, Half.fromBf16((short) 0x3F80));
    assertEquals(-2.5f, Half.fromBf16((short) 0xC020));
    // Ties go to even; anything above the tie rounds up.
    assertBf16(0x3F80, Float.intBitsToFloat(0x3F808000));
    assertBf16(0x3F82, Float.intBitsToFloat(0x3F818000));
    assertBf16(0x3F81, Float.intBitsToFloat(0x3F808001));
    assertBf16(0x3F80, Float.intBitsToFloat(0x3F807FFF));
    // Float.MAX_VALUE is past the last bf16 value's rounding boundary.
    assertBf16(0x7F80, Float.MAX_VALUE);
    assertTrue(Float.isNaN(Half.fromBf16(Half.toBf16(Float.intBitsToFloat(0x7F800001)))));
  }

  @Test
  void everyBf16ValueRoundTrips() {
    for (int b = 0; b <= 0xFFFF; b++) {
      float f = Half.fromBf16((short) b);
      if (!Float.isNaN(f)) {
        assertEquals((short) b, Half.toBf16(f), "bf16 bits " + Integer.toHexString(b));
      }
    }
  }
}
