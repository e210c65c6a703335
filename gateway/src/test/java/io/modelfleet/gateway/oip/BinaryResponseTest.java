package io.modelfleet.gateway.oip;

import static io.modelfleet.gateway.oip.BinaryBodies.body;
import static io.modelfleet.gateway.oip.BinaryBodies.sample;
import static io.modelfleet.gateway.oip.BinaryBodies.split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.BinaryBodies.Body;
import io.modelfleet.gateway.oip.BinaryBodies.Split;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Responses whose outputs follow the JSON as binary data, read back as a Triton client would. */
class BinaryResponseTest {

  private static final String INPUT =
      "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}";

  private static InferCall call(String json) {
    return InferJson.parseRequest(ByteString.fromString(json));
  }

  private static HttpResponse respond(String requestJson, Tensor... outputs) {
    return BinaryResponse.of(new InferResult("m", "1", null, List.of(outputs)), call(requestJson));
  }

  /** The output objects of a binary response, with each binary one's bytes cut from the tail. */
  private static List<Tensor> readBack(HttpResponse response) {
    Split s = split(response);
    ByteString rest = s.binary();
    List<Tensor> out = new ArrayList<>();
    for (JsonNode o : s.json().get("outputs")) {
      long[] shape = new long[o.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = o.get("shape").get(i).longValue();
      }
      DataType type = DataType.parse(o.get("datatype").textValue());
      if (o.has("parameters")) {
        assertFalse(o.has("data"), "a binary output carries no 'data'");
        int size = o.get("parameters").get("binary_data_size").intValue();
        out.add(new Tensor(o.get("name").textValue(), type, shape, rest.take(size).toArray()));
        rest = rest.drop(size);
      } else {
        out.add(null);
      }
    }
    assertEquals(0, rest.length(), "no bytes after the last binary output");
    return out;
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void everyDatatypeRoundTripsAsBinary(DataType type) {
    Tensor y = sample("y", type);
    HttpResponse r =
        respond(
            "{\"inputs\":["
                + INPUT
                + "],\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":true}}]}",
            y);
    assertEquals(List.of(y), readBack(r));
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void aTensorSurvivesRequestAndResponseInBinary(DataType type) {
    Tensor sent = sample("x", type);
    Body b =
        body(
            "{\"parameters\":{\"binary_data_output\":true},\"inputs\":[{\"name\":\"x\",\"datatype\":\""
                + type
                + "\",\"shape\":"
                + BinaryBodies.shapeJson(sent)
                + ",\"parameters\":{\"binary_data_size\":"
                + sent.data().length
                + "}}]}",
            sent.data());
    InferCall c = InferJson.parseRequest(b.header(), b.bytes());
    // An identity model: what came in goes out.
    HttpResponse r = BinaryResponse.of(new InferResult("m", "1", null, c.request().inputs()), c);
    assertEquals(List.of(sent), readBack(r));
  }

  @Test
  void theHeaderGivesTheJsonLengthAndBinaryDataSizeTheTensorBytes() {
    Tensor y = Tensors.ofFloats("y", new long[] {1, 2}, 0.5f, -1f);
    HttpResponse r =
        respond(
            "{\"id\":\"q\",\"parameters\":{\"binary_data_output\":true},\"inputs\":["
                + INPUT
                + "]}",
            y);
    String json =
        "{\"model_name\":\"m\",\"model_version\":\"1\",\"id\":\"q\",\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\","
            + "\"shape\":[1,2],\"parameters\":{\"binary_data_size\":8}}]}";
    assertEquals(
        Integer.toString(json.length()), r.getHeader(BinaryRequest.HEADER).orElseThrow().value());
    ByteString body = ((HttpEntity.Strict) r.entity()).getData();
    assertEquals(json, body.take(json.length()).utf8String());
    assertArrayEquals(y.data(), body.drop(json.length()).toArray());
  }

  @Test
  void idIsEchoedInTheJsonPart() {
    Tensor y = Tensors.ofInts("y", new long[] {1}, 3);
    Split s =
        split(
            BinaryResponse.of(
                new InferResult("m", "1", "req-9", List.of(y)),
                call(
                    "{\"id\":\"req-9\",\"parameters\":{\"binary_data_output\":true},\"inputs\":["
                        + INPUT
                        + "]}")));
    assertEquals("req-9", s.json().get("id").textValue());
  }

  @Test
  void binaryDataOutputCoversEveryOutputUnlessOneSaysFalse() {
    Tensor a = Tensors.ofFloats("a", new long[] {2}, 1f, 2f);
    Tensor b = Tensors.ofLongs("b", new long[] {1}, 7);
    Tensor c = Tensors.ofStrings("c", new long[] {2}, "x", "yz");
    HttpResponse r =
        respond(
            "{\"parameters\":{\"binary_data_output\":true},\"inputs\":["
                + INPUT
                + "],"
                + "\"outputs\":[{\"name\":\"a\"},{\"name\":\"b\",\"parameters\":{\"binary_data\":false}},{\"name\":\"c\"}]}",
            a,
            b,
            c);
    List<Tensor> back = readBack(r);
    assertEquals(a, back.get(0));
    assertNull(back.get(1), "'b' asked for JSON");
    assertEquals(c, back.get(2));
    JsonNode bJson = split(r).json().get("outputs").get(1);
    assertEquals("[7]", bJson.get("data").toString());
  }

  @Test
  void binaryDataOutputAppliesWhenNoOutputsAreListed() {
    Tensor a = Tensors.ofFloats("a", new long[] {1}, 1f);
    Tensor b = Tensors.ofBools("b", new long[] {2}, true, false);
    assertEquals(
        List.of(a, b),
        readBack(
            respond(
                "{\"parameters\":{\"binary_data_output\":true},\"inputs\":[" + INPUT + "]}",
                a,
                b)));
  }

  @Test
  void oneOutputCanAskForBinaryAlone() {
    Tensor a = Tensors.ofFloats("a", new long[] {1}, 1f);
    Tensor b = Tensors.ofFloats("b", new long[] {1}, 2f);
    List<Tensor> back =
        readBack(
            respond(
                "{\"inputs\":["
                    + INPUT
                    + "],\"outputs\":[{\"name\":\"a\"},"
                    + "{\"name\":\"b\",\"parameters\":{\"binary_data\":true}}]}",
                a,
                b));
    assertNull(back.get(0));
    assertEquals(b, back.get(1));
  }

  @Test
  void withoutBinaryOutputsTheResponseIsPlainJson() {
    Tensor y = Tensors.ofFloats("y", new long[] {1}, 1.5f);
    for (String req :
        List.of(
            "{\"inputs\":[" + INPUT + "]}",
            "{\"parameters\":{\"binary_data_output\":false},\"inputs\":[" + INPUT + "]}",
            "{\"parameters\":{\"binary_data_output\":true},\"inputs\":["
                + INPUT
                + "],"
                + "\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":false}}]}")) {
      HttpResponse r = respond(req, y);
      assertEquals("application/json", r.entity().getContentType().mediaType().toString(), req);
      assertTrue(r.getHeader(BinaryRequest.HEADER).isEmpty(), req);
      assertEquals(
          "{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\","
              + "\"shape\":[1],\"data\":[1.5]}]}",
          ((HttpEntity.Strict) r.entity()).getData().utf8String(),
          req);
    }
  }

  @Test
  void aMalformedOutputFromTheReplicaIsAServerFault() {
    Tensor bad = new Tensor("y", DataType.FP32, new long[] {2}, new byte[4]);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            respond(
                "{\"parameters\":{\"binary_data_output\":true},\"inputs\":[" + INPUT + "]}", bad));
    Tensor badBytes = new Tensor("s", DataType.BYTES, new long[] {1}, new byte[] {9, 0, 0, 0, 'a'});
    assertThrows(
        IllegalArgumentException.class,
        () ->
            respond(
                "{\"parameters\":{\"binary_data_output\":true},\"inputs\":[" + INPUT + "]}",
                badBytes));
  }

  @Test
  void binaryDataParametersMustBeBooleans() {
    assertEquals(
        "request parameter 'binary_data_output' must be true or false, got a string",
        assertThrows(
                ApiException.class,
                () ->
                    call(
                        "{\"parameters\":{\"binary_data_output\":\"yes\"},\"inputs\":["
                            + INPUT
                            + "]}"))
            .getMessage());
    assertEquals(
        "outputs[0] ('y') parameter 'binary_data' must be true or false, got the number 1",
        assertThrows(
                ApiException.class,
                () ->
                    call(
                        "{\"inputs\":["
                            + INPUT
                            + "],"
                            + "\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":1}}]}"))
            .getMessage());
  }
}
