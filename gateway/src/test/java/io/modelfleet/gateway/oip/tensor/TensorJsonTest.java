package io.modelfleet.gateway.oip.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.Tensors;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSON form of a tensor as a client sees it: read by {@link TensorReader}, written by {@link
 * TensorWriter}, one round trip per datatype and every refusal's message.
 */
class TensorJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String input(String datatype, String shape, String data) {
    return "{\"name\":\"x\",\"datatype\":\""
        + datatype
        + "\",\"shape\":"
        + shape
        + ",\"data\":"
        + data
        + "}";
  }

  private static Tensor parse(String text) {
    return TensorReader.parseInput(json(text));
  }

  private static String writeText(Tensor t) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      TensorWriter.writeOutput(t, g);
    }
    return out.toString();
  }

  /** Parses an input, writes it back, and checks the written tensor has {@code expectedData}. */
  private static Tensor roundTrip(String datatype, String shape, String data, String expectedData)
      throws IOException {
    Tensor t = parse(input(datatype, shape, data));
    assertEquals(json(input(datatype, shape, expectedData)), json(writeText(t)));
    return t;
  }

  private static Tensor roundTrip(String datatype, String shape, String data) throws IOException {
    return roundTrip(datatype, shape, data, data);
  }

  private static void assertRejects(String text, String expectedMessage) {
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> parse(text));
    assertEquals(expectedMessage, e.getMessage());
  }

  private static void assertRejectsMentioning(String text, String... fragments) {
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> parse(text));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' lacks '" + f + "'");
    }
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  // --- one round trip per datatype ---

  @Test
  void bool() throws IOException {
    Tensor t = roundTrip("BOOL", "[3]", "[true,false,true]");
    assertArrayEquals(bytes(1, 0, 1), t.data());
  }

  @Test
  void uint8() throws IOException {
    Tensor t = roundTrip("UINT8", "[3]", "[0,255,7]");
    assertArrayEquals(bytes(0, 0xFF, 7), t.data());
  }

  @Test
  void uint16() throws IOException {
    Tensor t = roundTrip("UINT16", "[3]", "[0,65535,258]");
    assertArrayEquals(bytes(0, 0, 0xFF, 0xFF, 0x02, 0x01), t.data());
  }

  @Test
  void uint32() throws IOException {
    Tensor t = roundTrip("UINT32", "[2]", "[4294967295,16909060]");
    assertArrayEquals(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x04, 0x03, 0x02, 0x01), t.data());
  }

  @Test
  void uint64WrittenUnsigned() throws IOException {
    Tensor t = roundTrip("UINT64", "[3]", "[0,18446744073709551615,9223372036854775808]");
    assertArrayEquals(
        bytes(
            0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0,
            0, 0, 0x80),
        t.data());
    assertTrue(writeText(t).contains("18446744073709551615,9223372036854775808"));
  }

  @Test
  void int8() throws IOException {
    Tensor t = roundTrip("INT8", "[3]", "[-128,127,-1]");
    assertArrayEquals(bytes(0x80, 0x7F, 0xFF), t.data());
  }

  @Test
  void int16() throws IOException {
    Tensor t = roundTrip("INT16", "[2]", "[-32768,32767]");
    assertArrayEquals(bytes(0x00, 0x80, 0xFF, 0x7F), t.data());
  }

  @Test
  void int32() throws IOException {
    Tensor t =
        roundTrip(
            "INT32", "[2,2]", "[[1,-2],[-2147483648,2147483647]]", "[1,-2,-2147483648,2147483647]");
    assertArrayEquals(bytes(1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF), Arrays.copyOf(t.data(), 8));
    assertArrayEquals(new int[] {1, -2, Integer.MIN_VALUE, Integer.MAX_VALUE}, Tensors.ints(t));
  }

  @Test
  void int64() throws IOException {
    Tensor t = roundTrip("INT64", "[3]", "[-9223372036854775808,9223372036854775807,0]");
    assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0}, Tensors.longs(t));
    assertArrayEquals(bytes(0, 0, 0, 0, 0, 0, 0, 0x80), Arrays.copyOf(t.data(), 8));
  }

  @Test
  void fp16() throws IOException {
    Tensor t = roundTrip("FP16", "[4]", "[1,-2,65504,0.5]", "[1.0,-2.0,65504.0,0.5]");
    assertArrayEquals(bytes(0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x00, 0x38), t.data());
  }

  @Test
  void fp16RoundsInexactInputs() throws IOException {
    Tensor t = parse(input("FP16", "[1]", "[0.1]"));
    assertArrayEquals(bytes(0x66, 0x2E), t.data());
    assertArrayEquals(new float[] {0.099975586f}, Tensors.floats(t));
  }

  @Test
  void bf16() throws IOException {
    Tensor t = roundTrip("BF16", "[3]", "[1.0,-2.5,0.0]");
    assertArrayEquals(bytes(0x80, 0x3F, 0x20, 0xC0, 0, 0), t.data());
  }

  @Test
  void fp32WrittenAsShortestFloat() throws IOException {
    Tensor t = roundTrip("FP32", "[4]", "[0.1,-1.5,3,3.4028235E38]", "[0.1,-1.5,3.0,3.4028235E38]");
    assertArrayEquals(bytes(0, 0, 0xC0, 0xBF), Arrays.copyOfRange(t.data(), 4, 8));
    assertArrayEquals(new float[] {0.1f, -1.5f, 3f, Float.MAX_VALUE}, Tensors.floats(t));
    assertTrue(writeText(t).contains("[0.1,"), "0.1f must not be widened to 0.10000000149011612");
  }

  @Test
  void fp64Exact() throws IOException {
    Tensor t =
        roundTrip(
            "FP64",
            "[4]",
            "[0.1,-1.7976931348623157E308,4.9E-324,1]",
            "[0.1,-1.7976931348623157E308,4.9E-324,1.0]");
    assertArrayEquals(
        new double[] {0.1, -Double.MAX_VALUE, Double.MIN_VALUE, 1.0}, Tensors.doubles(t));
  }

  @Test
  void bytesFramedAsUtf8() throws IOException {
    Tensor t = roundTrip("BYTES", "[3]", "[\"hi\",\"\",\"é✓\"]");
    assertArrayEquals(
        bytes(2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 5, 0, 0, 0, 0xC3, 0xA9, 0xE2, 0x9C, 0x93),
        t.data());
    assertEquals(List.of("hi", "", "é✓"), Tensors.strings(t));
    assertEquals(3, Tensor.elementCountOfBytes(t.data()));
  }

  @Test
  void everyDatatypeHasARoundTripTest() {
    // Guards this file: a datatype added to the enum needs a round-trip test above.
    assertEquals(14, DataType.values().length);
  }

  // --- shapes and nesting ---

  @Test
  void nestedAndFlatDataAreTheSameTensor() {
    Tensor flat = parse(input("FP32", "[2,1,3]", "[1,2,3,4,5,6]"));
    Tensor nested = parse(input("FP32", "[2,1,3]", "[[[1,2,3]],[[4,5,6]]]"));
    assertEquals(flat, nested);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, Tensors.floats(nested));
  }

  @Test
  void emptyAndScalarShapes() throws IOException {
    assertEquals(0, parse(input("INT32", "[0,3]", "[]")).data().length);
    Tensor scalar = roundTrip("INT64", "[]", "[42]");
    assertArrayEquals(new long[0], scalar.shape());
    assertArrayEquals(new long[] {42}, Tensors.longs(scalar));
  }

  @Test
  void datatypeNameIsCaseInsensitive() {
    assertEquals(DataType.FP32, parse(input("fp32", "[1]", "[1]")).datatype());
  }

  @Test
  void integerTypesAcceptIntegralJsonNumbers() {
    assertArrayEquals(new int[] {3, 100}, Tensors.ints(parse(input("INT32", "[2]", "[3.0,1e2]"))));
  }

  // --- boundaries ---

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "INT8   | 128                  | -128..127",
        "INT8   | -129                 | -128..127",
        "UINT8  | 256                  | 0..255",
        "UINT8  | -1                   | 0..255",
        "INT16  | 32768                | -32768..32767",
        "UINT16 | 65536                | 0..65535",
        "INT32  | 2147483648           | -2147483648..2147483647",
        "UINT32 | 4294967296           | 0..4294967295",
        "UINT32 | -1                   | 0..4294967295",
        "INT64  | 9223372036854775808  | -9223372036854775808..9223372036854775807",
        "INT64  | -9223372036854775809 | -9223372036854775808..9223372036854775807",
        "UINT64 | 18446744073709551616 | 0..18446744073709551615",
        "UINT64 | -1                   | 0..18446744073709551615",
        "INT8   | 1e3                  | -128..127",
        "FP16   | 70000                | -65504..65504",
        "BF16   | 1e39                 | ±3.3895314E38",
        "FP32   | -1e39                | ±3.4028235E38",
        "FP64   | 1e999                | ±1.7976931348623157E308",
      })
  void integerAndFloatRangesAreEnforced(String type, String value, String range) {
    assertRejectsMentioning(
        input(type, "[2]", "[0," + value + "]"),
        "input 'x': data element 1 is ",
        ", outside the " + type + " range " + range);
  }

  // --- errors, each naming the field ---

  @Test
  void elementCountMismatch() {
    assertRejects(
        input("FP32", "[2,3]", "[1,2,3,4,5]"),
        "input 'x': data has 5 elements but shape [2,3] needs 6");
    assertRejects(
        input("FP32", "[2,2]", "[[1,2],[3,4,5]]"),
        "input 'x': data has more than 4 elements but shape [2,2] needs 4");
  }

  @Test
  void notAnObject() {
    assertThrows(TensorFormatException.class, () -> TensorReader.parseInput(json("[1]")));
    assertThrows(TensorFormatException.class, () -> TensorReader.parseInput(null));
  }

  @Test
  void badName() {
    assertRejects(
        "{\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}", "an input is missing its 'name'");
    assertRejects(
        "{\"name\":7,\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}",
        "input 'name' must be a string, got 7");
  }

  @Test
  void badDatatype() {
    assertRejectsMentioning(
        "{\"name\":\"x\",\"shape\":[1],\"data\":[1]}",
        "input 'x': missing 'datatype'; expected one of BOOL, UINT8,",
        "FP64, BYTES");
    assertRejectsMentioning(
        input("FP8", "[1]", "[1]"),
        "input 'x': unknown datatype \"FP8\"; expected one of BOOL, UINT8,");
    assertRejectsMentioning(
        "{\"name\":\"x\",\"datatype\":32,\"shape\":[1],\"data\":[1]}",
        "input 'x': unknown datatype 32");
  }

  @Test
  void badShape() {
    assertRejects(
        "{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1]}", "input 'x': missing 'shape'");
    assertRejects(
        input("FP32", "[2,-3]", "[1]"),
        "input 'x': 'shape' must be an array of non-negative integers, but shape[1] is -3");
    assertRejects(
        input("FP32", "[2.5]", "[1]"),
        "input 'x': 'shape' must be an array of non-negative integers, but shape[0] is 2.5");
    assertRejects(
        input("FP32", "[\"2\"]", "[1]"),
        "input 'x': 'shape' must be an array of non-negative integers, but shape[0] is the string \"2\"");
    assertRejects(
        input("FP32", "4", "[1]"),
        "input 'x': 'shape' must be an array of non-negative integers, got 4");
    assertRejects(
        input("FP32", "[4294967296,4294967296]", "[1]"),
        "input 'x': shape [4294967296,4294967296] has too many elements");
  }

  @Test
  void badData() {
    assertRejects(
        "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1]}", "input 'x': missing 'data'");
    assertRejects(input("FP32", "[1]", "null"), "input 'x': missing 'data'");
    assertRejects(
        input("FP32", "[1]", "{\"a\":1}"), "input 'x': 'data' must be an array, got an object");
  }

  @Test
  void wrongElementKinds() {
    assertRejects(
        input("INT32", "[3]", "[1,\"abc\",3]"),
        "input 'x': data element 1 is the string \"abc\", but INT32 needs an integer");
    assertRejects(
        input("FP32", "[2]", "[1,null]"),
        "input 'x': data element 1 is null, but FP32 needs a number");
    assertRejects(
        input("FP16", "[2]", "[true,1]"),
        "input 'x': data element 0 is true, but FP16 needs a number");
    assertRejects(
        input("BOOL", "[2]", "[true,1]"),
        "input 'x': data element 1 is 1, but BOOL needs true or false");
    assertRejects(
        input("BOOL", "[1]", "[\"true\"]"),
        "input 'x': data element 0 is the string \"true\", but BOOL needs true or false");
    assertRejects(
        input("BYTES", "[2]", "[\"a\",5]"),
        "input 'x': data element 1 is 5, but BYTES needs a string");
    assertRejects(
        input("INT8", "[2]", "[1,{}]"),
        "input 'x': data element 1 is an object, but INT8 needs an integer");
  }

  @Test
  void fractionalValuesInIntegerTypes() {
    assertRejects(
        input("INT32", "[2,2]", "[[1,2],[2.5,4]]"),
        "input 'x': data element 2 is 2.5, but INT32 needs an integer");
    assertRejects(
        input("UINT64", "[1]", "[0.5]"),
        "input 'x': data element 0 is 0.5, but UINT64 needs an integer");
  }

  // --- writing ---

  @Test
  void invalidUtf8IsWrittenWithReplacementCharacters() throws IOException {
    Tensor t = new Tensor("y", DataType.BYTES, new long[] {1}, bytes(2, 0, 0, 0, 0xFF, 'a'));
    assertEquals("\uFFFDa", json(writeText(t)).get("data").get(0).textValue());
  }

  @Test
  void writeRejectsInconsistentTensors() {
    Tensor shortData = new Tensor("y", DataType.FP32, new long[] {2}, new byte[4]);
    assertThrows(IllegalArgumentException.class, () -> writeText(shortData));
    Tensor badFraming = new Tensor("y", DataType.BYTES, new long[] {1}, bytes(9, 0, 0, 0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> writeText(badFraming));
    assertTrue(
        e.getMessage().startsWith("output 'y': BYTES element 0 is truncated"), e.getMessage());
    Tensor wrongCount = Tensors.ofStrings("y", new long[] {2}, "a", "b");
    Tensor claimedThree = new Tensor("y", DataType.BYTES, new long[] {3}, wrongCount.data());
    assertThrows(IllegalArgumentException.class, () -> writeText(claimedThree));
  }

  @Test
  void writesTheDocumentedShape() throws IOException {
    Tensor t = Tensors.ofBools("out", new long[] {1, 2}, true, false);
    assertEquals(
        "{\"name\":\"out\",\"datatype\":\"BOOL\",\"shape\":[1,2],\"data\":[true,false]}",
        writeText(t));
  }

  // --- factories and readers ---

  @Test
  void factoriesMatchParsedTensors() {
    long[] s = {2};
    assertEquals(parse(input("FP32", "[2]", "[1.5,-2]")), Tensors.ofFloats("x", s, 1.5f, -2f));
    assertEquals(parse(input("FP64", "[2]", "[1.5,-2]")), Tensors.ofDoubles("x", s, 1.5, -2));
    assertEquals(parse(input("INT32", "[2]", "[7,-8]")), Tensors.ofInts("x", s, 7, -8));
    assertEquals(parse(input("INT64", "[2]", "[7,-8]")), Tensors.ofLongs("x", s, 7, -8));
    assertEquals(parse(input("BOOL", "[2]", "[false,true]")), Tensors.ofBools("x", s, false, true));
    assertEquals(
        parse(input("BYTES", "[2]", "[\"a\",\"bc\"]")), Tensors.ofStrings("x", s, "a", "bc"));
    assertArrayEquals(
        new boolean[] {false, true}, Tensors.bools(Tensors.ofBools("x", s, false, true)));
  }
}
