package io.modelfleet.ops.alerts.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PsiTest {

  private static long[] counts(double[] edges, double[] values) {
    long[] c = new long[edges.length + 1];
    for (double v : values) {
      c[Psi.bin(edges, v)]++;
    }
    return c;
  }

  private static double[] normal(Random r, int n, double mean) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = mean + r.nextGaussian();
    }
    return v;
  }

  private static double psiOf(double[] reference, double[] actual) {
    double[] sorted = reference.clone();
    Arrays.sort(sorted);
    double[] edges = Psi.edges(sorted, sorted.length, 10);
    return Psi.psi(counts(edges, reference), counts(edges, actual));
  }

  @Test
  void decileBinsHoldATenthOfTheReferenceEach() {
    double[] ref = new double[100];
    for (int i = 0; i < 100; i++) {
      ref[i] = i;
    }
    double[] edges = Psi.edges(ref, 100, 10);
    assertArrayEquals(new double[] {9, 19, 29, 39, 49, 59, 69, 79, 89}, edges);
    long[] c = counts(edges, ref);
    for (long n : c) {
      assertEquals(10, n);
    }
    assertEquals(0, Psi.bin(edges, -5));
    assertEquals(9, Psi.bin(edges, 1000));
  }

  @Test
  void theSameDistributionIsStableAndAShiftedOneIsSignificant() {
    Random r = new Random(7);
    double[] ref = normal(r, 1000, 0);
    assertTrue(psiOf(ref, normal(r, 500, 0)) < 0.1, "same distribution");
    double moderate = psiOf(ref, normal(r, 500, 0.4));
    assertTrue(moderate > 0.1 && moderate < 0.25, "a 0.4 sd shift is moderate: " + moderate);
    assertTrue(psiOf(ref, normal(r, 500, 3)) > 0.25, "a 3 sd shift is significant");
  }

  @Test
  void emptyBinsCostEpsilonNotInfinity() {
    long[] expected = {50, 50};
    long[] actual = {100, 0};
    double e = Psi.EPSILON;
    double want = (1 - 0.5) * Math.log(1 / 0.5) + (e - 0.5) * Math.log(e / 0.5);
    assertEquals(want, Psi.psi(expected, actual), 1e-12);
  }

  @Test
  void aConstantReferenceSplitsBelowAtAndAbove() {
    double[] ref = {3, 3, 3, 3};
    double[] edges = Psi.edges(ref, 4, 10);
    assertEquals(2, edges.length);
    assertEquals(0, Psi.bin(edges, 2));
    assertEquals(1, Psi.bin(edges, 3));
    assertEquals(2, Psi.bin(edges, 4));
  }
}
