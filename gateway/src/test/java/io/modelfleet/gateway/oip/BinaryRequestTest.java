package io.modelfleet.gateway.oip;

import static io.modelfleet.gateway.oip.BinaryBodies.body;
import static io.modelfleet.gateway.oip.BinaryBodies.concat;
import static io.modelfleet.gateway.oip.BinaryBodies.le32;
import static io.modelfleet.gateway.oip.BinaryBodies.sample;
import static io.modelfleet.gateway.oip.BinaryBodies.shapeJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.BinaryBodies.Body;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Requests whose tensors follow the JSON as binary data (Triton's binary tensor extension). */
class BinaryRequestTest {

  private static InferRequest parse(Body b) {
    return InferJson.parseRequest(b.header(), b.bytes()).request();
  }

  private static String reject(Body b) {
    return reject(b.header(), b.bytes());
  }

  private static String reject(String header, ByteString body) {
    ApiException e = assertThrows(ApiException.class, () -> InferJson.parseRequest(header, body));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  private static String binaryInput(String name, String type, String shape, long size) {
    return "{\"name\":\""
        + name
        + "\",\"datatype\":\""
        + type
        + "\",\"shape\":"
        + shape
        + ",\"parameters\":{\"binary_data_size\":"
        + size
        + "}}";
  }

  private static String request(String... inputs) {
    return "{\"inputs\":[" + String.join(",", inputs) + "]}";
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void everyDatatypeIsTakenAsItsRawBytes(DataType type) {
    Tensor sent = sample("x", type);
    InferRequest r =
        parse(
            body(
                request(binaryInput("x", type.name(), shapeJson(sent), sent.data().length)),
                sent.data()));
    assertEquals(List.of(sent), r.inputs());
    assertArrayEquals(sent.shape(), r.inputs().get(0).shape());
    assertArrayEquals(sent.data(), r.inputs().get(0).data());
  }

  @Test
  void halfPrecisionFloatsKeepTheirValues() {
    ByteBuffer fp16 =
        ByteBuffer.allocate(6)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort(Half.toFp16(1.5f))
            .putShort(Half.toFp16(-65504f))
            .putShort(Half.toFp16(0.000061035156f));
    ByteBuffer bf16 =
        ByteBuffer.allocate(4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort(Half.toBf16(2.5f))
            .putShort(Half.toBf16(-1e38f));
    InferRequest r =
        parse(
            body(
                request(binaryInput("h", "FP16", "[3]", 6), binaryInput("b", "BF16", "[1,2]", 4)),
                fp16.array(),
                bf16.array()));
    assertArrayEquals(
        new float[] {1.5f, -65504f, 0.000061035156f}, Tensors.floats(r.inputs().get(0)));
    assertArrayEquals(
        new float[] {2.5f, Half.fromBf16(Half.toBf16(-1e38f))}, Tensors.floats(r.inputs().get(1)));
  }

  @Test
  void jsonAndBinaryInputsMixInOneRequest() {
    Tensor words = Tensors.ofStrings("w", new long[] {2}, "a", "bc");
    Body b =
        body(
            "{\"id\":\"mix\",\"inputs\":["
                + "{\"name\":\"j\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[1,2]},"
                + binaryInput("f", "FP32", "[1,2]", 8)
                + ","
                + "{\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"json\"]},"
                + binaryInput("w", "BYTES", "[2]", words.data().length)
                + "]}",
            floats(0.5f, -1f),
            words.data());
    InferRequest r = parse(b);
    assertEquals("mix", r.id());
    assertEquals(
        List.of(
            Tensors.ofLongs("j", new long[] {2}, 1, 2),
            Tensors.ofFloats("f", new long[] {1, 2}, 0.5f, -1f),
            Tensors.ofStrings("s", new long[] {1}, "json"),
            words),
        r.inputs());
  }

  @Test
  void withoutTheHeaderTheBodyIsPlainJson() {
    String json =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[2]}]}";
    InferRequest r = InferJson.parseRequest(null, ByteString.fromString(json)).request();
    assertEquals(List.of(Tensors.ofFloats("x", new long[] {1}, 2f)), r.inputs());
  }

  @Test
  void aHeaderCoveringTheWholeBodyIsPlainJson() {
    Body b =
        body("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[2]}]}");
    assertEquals(List.of(Tensors.ofFloats("x", new long[] {1}, 2f)), parse(b).inputs());
  }

  @Test
  void emptyTensorsTakeNoBytes() {
    Body b =
        body(
            request(binaryInput("e", "FP32", "[0,3]", 0), binaryInput("f", "FP32", "[1]", 4)),
            floats(7f));
    InferRequest r = parse(b);
    assertEquals(0, r.inputs().get(0).data().length);
    assertArrayEquals(new float[] {7f}, Tensors.floats(r.inputs().get(1)));
  }

  // Malformed bodies: each answer is a 400 naming what to fix.

  @Test
  void theHeaderMustBeANonNegativeInteger() {
    ByteString json = ByteString.fromString(request(binaryInput("x", "FP32", "[1]", 4)));
    for (String bad : List.of("-1", "abc", "1.5", "", "99999999999999999999")) {
      assertTrue(
          reject(bad, json)
              .startsWith("Inference-Header-Content-Length must be a non-negative integer"),
          bad);
    }
  }

  @Test
  void aHeaderLongerThanTheBodyIsRefused() {
    Body b = body(request(binaryInput("x", "FP32", "[1]", 4)), floats(1f));
    int length = b.bytes().length();
    assertEquals(
        "Inference-Header-Content-Length is "
            + (length + 1)
            + " but the request body has only "
            + length
            + " bytes",
        reject(Integer.toString(length + 1), b.bytes()));
  }

  @Test
  void binaryDataSizeMustBeANonNegativeInteger() {
    String x =
        "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"parameters\":{\"binary_data_size\":";
    assertEquals(
        "input 'x': 'binary_data_size' must be a non-negative integer, got the number -4",
        reject(body(request(x + "-4}}"))));
    assertEquals(
        "input 'x': 'binary_data_size' must be a non-negative integer, got a string",
        reject(body(request(x + "\"4\"}}"), floats(1f))));
    assertEquals(
        "input 'x': 'binary_data_size' must be a non-negative integer, got the number 4.0",
        reject(body(request(x + "4.0}}"), floats(1f))));
  }

  @Test
  void aWrongBinaryDataSizeNamesTheInputAndTheSizeNeeded() {
    Body b = body(request(binaryInput("x", "FP32", "[2,3]", 20)), new byte[20]);
    assertEquals(
        "input 'x': binary_data_size is 20 but FP32 shape [2,3] needs 24 bytes", reject(b));
  }

  @Test
  void missingBytesNameTheInputThatRanOut() {
    Body b =
        body(
            request(binaryInput("a", "FP32", "[2]", 8), binaryInput("b", "FP32", "[4]", 16)),
            floats(1f, 2f),
            floats(3f, 4f));
    assertEquals(
        "input 'b' has binary_data_size 16 but only 8 bytes of binary data are left after"
            + " the JSON and the inputs before it",
        reject(b));
  }

  @Test
  void extraTrailingBytesNameTheBinaryInputs() {
    Body b =
        body(
            request(binaryInput("a", "FP32", "[1]", 4), binaryInput("b", "INT8", "[2]", 2)),
            floats(1f),
            new byte[] {1, 2},
            new byte[] {9, 9, 9});
    assertEquals(
        "the binary data after the JSON is 9 bytes but the binary inputs take 6 ('a' 4, 'b' 2);"
            + " 3 bytes are left over",
        reject(b));
  }

  @Test
  void trailingBytesWithoutBinaryInputsAreRefused() {
    Body b =
        body(
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[2]}]}",
            new byte[3]);
    assertEquals(
        "3 bytes follow the JSON inference request (Inference-Header-Content-Length) but no input"
            + " has 'binary_data_size'",
        reject(b));
  }

  @Test
  void aBinaryInputWithoutTheHeaderIsRefused() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                InferJson.parseRequest(
                    ByteString.fromString(request(binaryInput("x", "FP32", "[1]", 4)))));
    assertEquals(
        "input 'x' has binary_data_size 4 but the request has no binary data"
            + " (no Inference-Header-Content-Length header)",
        e.getMessage());
  }

  @Test
  void aTruncatedBytesElementNamesTheInput() {
    // The second element claims 10 bytes; its section holds 3.
    byte[] data = concat(le32(1), new byte[] {'a'}, le32(10), new byte[] {'b', 'c', 'd'});
    Body b = body(request(binaryInput("s", "BYTES", "[2]", data.length)), data);
    assertEquals(
        "input 's': BYTES element 1 is truncated: length 10 but only 3 bytes left", reject(b));
  }

  @Test
  void aBytesLengthCannotReachIntoTheNextInput() {
    // Framed within the whole binary part, but not within its own section.
    byte[] s = concat(le32(6), new byte[] {'a', 'b'});
    Body b =
        body(
            request(
                binaryInput("s", "BYTES", "[1]", s.length), binaryInput("t", "INT32", "[1]", 4)),
            s,
            new byte[] {1, 2, 3, 4});
    assertEquals(
        "input 's': BYTES element 0 is truncated: length 6 but only 2 bytes left", reject(b));
  }

  @Test
  void aBytesElementCountMustMatchTheShape() {
    byte[] data = concat(le32(1), new byte[] {'a'});
    Body b = body(request(binaryInput("s", "BYTES", "[2]", data.length)), data);
    assertEquals("input 's': binary data has 1 BYTES elements but shape [2] needs 2", reject(b));
  }

  @Test
  void dataAndBinaryDataSizeTogetherAreRefused() {
    Body b =
        body(
            request(
                "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1],"
                    + "\"parameters\":{\"binary_data_size\":4}}"),
            floats(1f));
    assertEquals(
        "input 'x' has both 'data' and 'binary_data_size'; send its values one way", reject(b));
  }

  @Test
  void aBinaryInputStillNeedsADatatypeAndShape() {
    assertTrue(
        reject(
                body(
                    request(
                        "{\"name\":\"x\",\"shape\":[1],\"parameters\":{\"binary_data_size\":4}}"),
                    floats(1f)))
            .startsWith("input 'x': missing 'datatype'; expected one of BOOL"));
    assertEquals(
        "input 'x': missing 'shape'",
        reject(
            body(
                request(
                    "{\"name\":\"x\",\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4}}"),
                floats(1f))));
    assertEquals(
        "input 'x': 'shape' must be an array of non-negative integers, but shape[0] is -1",
        reject(body(request(binaryInput("x", "FP32", "[-1]", 4)), floats(1f))));
  }

  @Test
  void inputParametersMustBeAnObject() {
    assertEquals(
        "input 'x': 'parameters' must be a JSON object, got an array",
        reject(
            body(
                request(
                    "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1],\"parameters\":[]}"))));
  }

  @Test
  void duplicateNamesAreRefusedAcrossJsonAndBinary() {
    Body b =
        body(
            request(
                "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}",
                binaryInput("x", "FP32", "[1]", 4)),
            floats(1f));
    assertEquals("input 'x' is given more than once", reject(b));
  }
}
