package io.modelfleet.protocol.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The widths and value ranges every reader of client values checks against. */
class DataTypeTest {

  @Test
  void integerRangesAreThoseOfTheirWidth() {
    assertEquals(Byte.MIN_VALUE, DataType.INT8.minValue());
    assertEquals(Byte.MAX_VALUE, DataType.INT8.maxValue());
    assertEquals(0, DataType.UINT8.minValue());
    assertEquals(255, DataType.UINT8.maxValue());
    assertEquals(65535, DataType.UINT16.maxValue());
    assertEquals(Integer.MIN_VALUE, DataType.INT32.minValue());
    assertEquals(4294967295L, DataType.UINT32.maxValue());
    assertEquals(Long.MIN_VALUE, DataType.INT64.minValue());
    assertEquals(0, DataType.UINT64.minValue());
    assertEquals(new BigInteger("18446744073709551615"), DataType.UINT64_MAX);
  }

  @Test
  void rangesAsMessagesStateThem() {
    assertEquals("-128..127", DataType.INT8.rangeText());
    assertEquals("0..4294967295", DataType.UINT32.rangeText());
    assertEquals("0..18446744073709551615", DataType.UINT64.rangeText());
    assertEquals("-65504..65504", DataType.FP16.rangeText());
    assertEquals("±3.4028235E38", DataType.FP32.rangeText());
  }

  @Test
  void parse() {
    assertEquals(DataType.FP32, DataType.parse("fp32"));
    assertNull(DataType.parse("FP8"));
    assertNull(DataType.parse(null));
    assertEquals(0, DataType.BYTES.byteSize());
  }
}
