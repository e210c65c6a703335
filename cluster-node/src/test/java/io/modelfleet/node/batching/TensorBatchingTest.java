package io.modelfleet.node.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorBatchingTest {

  private static long[] shape(long... dims) {
    return dims;
  }

  /**
   * Concatenates, checks the merged tensors, then splits the merge back and expects the originals.
   */
  private static TensorBatching.Batch roundTrip(List<List<Tensor>> requests) {
    TensorBatching.Batch batch = TensorBatching.concat(requests);
    assertEquals(requests.get(0).size(), batch.inputs().size());
    assertEquals(requests, TensorBatching.split(batch.inputs(), batch.rows()));
    return batch;
  }

  @Test
  void fp32RoundTripsWithDifferentRowCounts() {
    Tensor a = Tensors.ofFloats("x", shape(1, 2), 1f, 2f);
    Tensor b = Tensors.ofFloats("x", shape(3, 2), 3f, 4f, 5f, 6f, 7f, 8f);
    TensorBatching.Batch batch = roundTrip(List.of(List.of(a), List.of(b)));
    assertArrayEquals(new int[] {1, 3}, batch.rows());
    Tensor merged = batch.inputs().get(0);
    assertArrayEquals(shape(4, 2), merged.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, Tensors.floats(merged));
  }

  @Test
  void int64RoundTripsAcrossSeveralInputsMatchedByName() {
    List<Tensor> r1 =
        List.of(Tensors.ofLongs("ids", shape(2), 10, 11), Tensors.ofLongs("mask", shape(2), 1, 0));
    // Inputs listed in another order still merge by name, in the first request's order.
    List<Tensor> r2 =
        List.of(Tensors.ofLongs("mask", shape(1), 1), Tensors.ofLongs("ids", shape(1), 12));
    TensorBatching.Batch batch = TensorBatching.concat(List.of(r1, r2));
    assertArrayEquals(new int[] {2, 1}, batch.rows());
    assertEquals("ids", batch.inputs().get(0).name());
    assertArrayEquals(new long[] {10, 11, 12}, Tensors.longs(batch.inputs().get(0)));
    assertArrayEquals(new long[] {1, 0, 1}, Tensors.longs(batch.inputs().get(1)));
    List<List<Tensor>> back = TensorBatching.split(batch.inputs(), batch.rows());
    assertEquals(r1, back.get(0));
    assertEquals(
        List.of(Tensors.ofLongs("ids", shape(1), 12), Tensors.ofLongs("mask", shape(1), 1)),
        back.get(1));
  }

  @Test
  void boolRoundTrips() {
    Tensor a = Tensors.ofBools("m", shape(2, 2), true, false, false, true);
    Tensor b = Tensors.ofBools("m", shape(1, 2), true, true);
    Tensor c = Tensors.ofBools("m", shape(0, 2));
    TensorBatching.Batch batch = roundTrip(List.of(List.of(a), List.of(b), List.of(c)));
    assertArrayEquals(
        new boolean[] {true, false, false, true, true, true}, Tensors.bools(batch.inputs().get(0)));
  }

  @Test
  void fp16RoundTripsAsRawBytes() {
    // Arbitrary half-precision bit patterns, including a NaN: nothing is decoded along the way.
    Tensor a =
        new Tensor(
            "h",
            DataType.FP16,
            shape(1, 3),
            new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, 0x01, 0x7e});
    Tensor b =
        new Tensor(
            "h", DataType.FP16, shape(2, 3), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    TensorBatching.Batch batch = roundTrip(List.of(List.of(a), List.of(b)));
    assertArrayEquals(shape(3, 3), batch.inputs().get(0).shape());
    assertEquals(18, batch.inputs().get(0).data().length);
  }

  @Test
  void bytesRoundTripWithElementsOfDifferentLengths() {
    Tensor a = Tensors.ofStrings("s", shape(2, 2), "", "héllo", "a", "longer string");
    Tensor b = Tensors.ofStrings("s", shape(1, 2), "x", "");
    Tensor c = Tensors.ofStrings("s", shape(3, 2), "1", "22", "333", "4444", "55555", "");
    TensorBatching.Batch batch = roundTrip(List.of(List.of(a), List.of(b), List.of(c)));
    assertArrayEquals(new int[] {2, 1, 3}, batch.rows());
    assertEquals(
        List.of("", "héllo", "a", "longer string", "x", "", "1", "22", "333", "4444", "55555", ""),
        Tensors.strings(batch.inputs().get(0)));
  }

  @Test
  void splitsAnOutputWhoseShapeDiffersFromTheInputs() {
    // The model maps [n, 4] inputs to [n] scores: the split follows the output's own shape.
    Tensor scores = Tensors.ofFloats("score", shape(3), 0.1f, 0.2f, 0.3f);
    List<List<Tensor>> parts = TensorBatching.split(List.of(scores), new int[] {2, 1});
    assertEquals(List.of(Tensors.ofFloats("score", shape(2), 0.1f, 0.2f)), parts.get(0));
    assertEquals(List.of(Tensors.ofFloats("score", shape(1), 0.3f)), parts.get(1));
  }

  @Test
  void splitRefusesAnOutputNotBatchedAlongDimensionZero() {
    Tensor pooled = Tensors.ofFloats("pooled", shape(1, 4), 1, 2, 3, 4);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TensorBatching.split(List.of(pooled), new int[] {2, 1}));
    assertTrue(e.getMessage().contains("'pooled'"), e.getMessage());

    Tensor scalar = Tensors.ofFloats("total", shape(), 6f);
    e =
        assertThrows(
            IllegalStateException.class,
            () -> TensorBatching.split(List.of(scalar), new int[] {1}));
    assertTrue(e.getMessage().contains("'total'"), e.getMessage());
  }

  @Test
  void splitRefusesBytesWhoseFramingDoesNotMatchTheShape() {
    Tensor twoElements = Tensors.ofStrings("s", shape(2), "a", "b");
    Tensor claimsThree = new Tensor("s", DataType.BYTES, shape(3), twoElements.data());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TensorBatching.split(List.of(claimsThree), new int[] {1, 2}));
    assertTrue(e.getMessage().contains("'s'"), e.getMessage());
  }

  @Test
  void concatRefusesIncompatibleRequests() {
    Tensor a = Tensors.ofFloats("x", shape(1, 2), 1, 2);
    Tensor b = Tensors.ofFloats("x", shape(1, 3), 1, 2, 3);
    assertThrows(
        IllegalArgumentException.class,
        () -> TensorBatching.concat(List.of(List.of(a), List.of(b))));
  }

  @Test
  void batchKeyIsEqualWhenOnlyTheFirstDimensionDiffers() {
    Object k1 = TensorBatching.batchKey(List.of(Tensors.ofFloats("x", shape(1, 2), 1, 2)));
    Object k3 = TensorBatching.batchKey(List.of(Tensors.ofFloats("x", shape(3, 2), new float[6])));
    assertNotNull(k1);
    assertEquals(k1, k3);
    assertEquals(k1.hashCode(), k3.hashCode());

    Object ab =
        TensorBatching.batchKey(
            List.of(Tensors.ofInts("a", shape(2), 1, 2), Tensors.ofInts("b", shape(2), 3, 4)));
    Object ba =
        TensorBatching.batchKey(
            List.of(Tensors.ofInts("b", shape(1), 3), Tensors.ofInts("a", shape(1), 1)));
    assertEquals(ab, ba);
  }

  @Test
  void batchKeyDiffersOnInnerShapeDatatypeOrNames() {
    Object base = TensorBatching.batchKey(List.of(Tensors.ofFloats("x", shape(1, 2), 1, 2)));
    assertNotEquals(
        base, TensorBatching.batchKey(List.of(Tensors.ofFloats("x", shape(1, 3), 1, 2, 3))));
    assertNotEquals(base, TensorBatching.batchKey(List.of(Tensors.ofFloats("x", shape(2), 1, 2))));
    assertNotEquals(
        base, TensorBatching.batchKey(List.of(Tensors.ofFloats("x", shape(1, 1, 2), 1, 2))));
    assertNotEquals(
        base,
        TensorBatching.batchKey(List.of(new Tensor("x", DataType.FP16, shape(1, 2), new byte[4]))));
    assertNotEquals(
        base, TensorBatching.batchKey(List.of(Tensors.ofFloats("y", shape(1, 2), 1, 2))));
  }

  @Test
  void batchKeyIsNullForRequestsThatMustRunAlone() {
    assertNull(TensorBatching.batchKey(List.of(Tensors.ofFloats("x", shape(), 1))));
    assertNull(
        TensorBatching.batchKey(
            List.of(Tensors.ofInts("a", shape(2), 1, 2), Tensors.ofInts("b", shape(1), 3))));
    assertNull(TensorBatching.batchKey(List.of()));
  }

  @Test
  void rowsIsTheSharedFirstDimension() {
    assertEquals(3, TensorBatching.rows(List.of(Tensors.ofInts("a", shape(3, 1), 1, 2, 3))));
    assertEquals(0, TensorBatching.rows(List.of(Tensors.ofFloats("x", shape(), 1))));
    // Disagreeing inputs report the largest, which is what a max batch size must bound.
    assertEquals(
        2,
        TensorBatching.rows(
            List.of(Tensors.ofInts("a", shape(2), 1, 2), Tensors.ofInts("b", shape(1), 3))));
  }
}
