package io.modelfleet.protocol.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The helpers every module shares about a tensor's bytes: BYTES framing, shape text, factories. */
class TensorTest {

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void bytesFramingIsValidated() {
    assertEquals(0, Tensor.elementCountOfBytes(new byte[0]));
    assertEquals(2, Tensor.elementCountOfBytes(bytes(1, 0, 0, 0, 'a', 0, 0, 0, 0)));
    TensorFormatException shortBody =
        assertThrows(
            TensorFormatException.class,
            () -> Tensor.elementCountOfBytes("input 'x'", bytes(1, 0, 0, 0, 'a', 3, 0, 0, 0, 'b')));
    assertEquals(
        "input 'x': BYTES element 1 is truncated: length 3 but only 1 bytes left",
        shortBody.getMessage());
    TensorFormatException shortLength =
        assertThrows(
            TensorFormatException.class,
            () -> Tensor.elementCountOfBytes("input 'x'", bytes(0, 0, 0, 0, 7, 0)));
    assertEquals(
        "input 'x': BYTES element 1 is truncated: 2 bytes left where a 4-byte length was expected",
        shortLength.getMessage());
    TensorFormatException huge =
        assertThrows(
            TensorFormatException.class,
            () -> Tensor.elementCountOfBytes(bytes(0xFF, 0xFF, 0xFF, 0xFF, 'a')));
    assertEquals(
        "BYTES element 0 is truncated: length 4294967295 but only 1 bytes left", huge.getMessage());
  }

  @Test
  void shapeText() {
    assertEquals("[2,3]", Tensor.shapeText(new long[] {2, 3}));
    assertEquals("[]", Tensor.shapeText(new long[0]));
  }

  @Test
  void factoryAndReaderMisuse() {
    IllegalArgumentException count =
        assertThrows(
            IllegalArgumentException.class, () -> Tensors.ofFloats("x", new long[] {2, 2}, 1f, 2f));
    assertEquals("tensor 'x': 2 values but shape [2,2] needs 4", count.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensors.ints(Tensors.ofLongs("x", new long[] {1}, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensors.floats(Tensors.ofDoubles("x", new long[] {1}, 1)));
    Tensor badFrame = new Tensor("s", DataType.BYTES, new long[] {1}, bytes(9, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Tensors.strings(badFrame));
  }
}
