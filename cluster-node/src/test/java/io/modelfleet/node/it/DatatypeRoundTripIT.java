package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.oip.tensor.TensorReader;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.BinaryHttp;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.Tensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every datatype JSON can carry goes through a real served identity model and comes back equal: the
 * gateway's JSON codec, the replica's ORT conversion and back, over HTTP.
 */
class DatatypeRoundTripIT {
  /** Values per datatype, including each type's extremes; shape [2,3]. */
  private static final Map<DataType, String> DATA =
      new EnumMap<>(
          Map.ofEntries(
              Map.entry(DataType.BOOL, "[true,false,true,true,false,false]"),
              Map.entry(DataType.UINT8, "[0,1,2,127,128,255]"),
              Map.entry(DataType.UINT16, "[0,1,2,32767,32768,65535]"),
              Map.entry(DataType.UINT32, "[0,1,2,2147483647,2147483648,4294967295]"),
              Map.entry(
                  DataType.UINT64,
                  "[0,1,2,9223372036854775807,9223372036854775808,18446744073709551615]"),
              Map.entry(DataType.INT8, "[-128,-1,0,1,2,127]"),
              Map.entry(DataType.INT16, "[-32768,-1,0,1,2,32767]"),
              Map.entry(DataType.INT32, "[-2147483648,-1,0,1,2,2147483647]"),
              Map.entry(DataType.INT64, "[-9223372036854775808,-1,0,1,2,9223372036854775807]"),
              Map.entry(DataType.FP16, "[-2.0,-0.5,0.0,0.25,1.5,65504.0]"),
              Map.entry(DataType.BF16, "[-2.0,-0.5,0.0,0.25,1.5,3.0]"),
              Map.entry(DataType.FP32, "[-1.5,-0.1,0.0,1.0E-7,3.4028235E38,42.0]"),
              Map.entry(DataType.FP64, "[-1.5,-0.1,0.0,4.9E-324,1.7976931348623157E308,42.0]"),
              Map.entry(
                  DataType.BYTES, "[\"\",\"a\",\"héllo\",\"with space\",\"🙂\",\"\\u0000nul\"]")));

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = FleetNode.start(TestNodes.config(dataDir, Map.of()));
    http = new Http(node.baseUrl());
    for (DataType dt : DataType.values()) {
      String m = name(dt);
      assertEquals(
          201, http.put("/v1/models/" + m + "/versions/1", TestModels.identity(dt)).status(), m);
      assertEquals(
          202,
          http.post("/v1/models/" + m + "/deployments", "{\"version\":\"1\",\"replicas\":1}")
              .status(),
          m);
    }
    assertEquals(201, http.put("/v1/models/add2/versions/1", TestModels.add()).status());
    assertEquals(
        202,
        http.post("/v1/models/add2/deployments", "{\"version\":\"1\",\"replicas\":1}").status());
    http.await("/v1/models/add2", readyReplicas("1", 1), Duration.ofSeconds(60));
    for (DataType dt : DataType.values()) {
      http.await("/v1/models/" + name(dt), readyReplicas("1", 1), Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static String name(DataType dt) {
    return "id-" + dt.name().toLowerCase(Locale.ROOT);
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void roundTripsThroughAServedModel(DataType dt) throws Exception {
    String data = DATA.get(dt);
    Http.Response r =
        http.post(
            "/v2/models/" + name(dt) + "/infer",
            "{\"inputs\":[{\"name\":\"in\",\"datatype\":\""
                + dt
                + "\",\"shape\":[2,3],\"data\":"
                + data
                + "}]}");
    assertEquals(200, r.status(), r.body());
    var out = r.json().get("outputs").get(0);
    assertEquals("out", out.get("name").asText());
    assertEquals(dt.name(), out.get("datatype").asText());
    assertEquals("[2,3]", out.get("shape").toString());
    assertEquals(Http.JSON.readTree(data), out.get("data"), dt + " data");
  }

  /**
   * The same values as {@link #DATA}, as the little-endian bytes Triton's binary extension carries.
   */
  private static byte[] binaryOf(DataType dt) throws Exception {
    Tensor t =
        TensorReader.parseInput(
            Http.JSON.readTree(
                "{\"name\":\"in\",\"datatype\":\""
                    + dt
                    + "\",\"shape\":[2,3],\"data\":"
                    + DATA.get(dt)
                    + "}"));
    return t.data();
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void roundTripsInBinaryForm(DataType dt) throws Exception {
    byte[] bytes = binaryOf(dt);
    String header =
        "{\"inputs\":[{\"name\":\"in\",\"datatype\":\""
            + dt
            + "\",\"shape\":[2,3],"
            + "\"parameters\":{\"binary_data_size\":"
            + bytes.length
            + "}}],\"parameters\":{\"binary_data_output\":true}}";
    BinaryHttp.Reply r =
        BinaryHttp.post(node.baseUrl() + "/v2/models/" + name(dt) + "/infer", header, bytes);
    assertEquals(200, r.status(), r.json().toString());
    var out = r.json().get("outputs").get(0);
    assertEquals(dt.name(), out.get("datatype").asText());
    assertEquals("[2,3]", out.get("shape").toString());
    assertEquals(bytes.length, out.get("parameters").get("binary_data_size").asInt());
    assertFalse(out.has("data"));
    assertArrayEquals(bytes, r.binary(), dt + " bytes");
  }

  @Test
  void jsonAndBinaryInputsMixInOneRequest() {
    byte[] b = Tensors.ofFloats("b", new long[] {2, 2}, 10f, 20f, 30f, 40f).data();
    String header =
        "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[1,2,3,4]},"
            + "{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[2,2],\"parameters\":{\"binary_data_size\":16}}]}";
    BinaryHttp.Reply r = BinaryHttp.post(node.baseUrl() + "/v2/models/add2/infer", header, b);
    assertEquals(200, r.status(), r.json().toString());
    assertEquals("[11.0,22.0,33.0,44.0]", r.json().get("outputs").get(0).get("data").toString());
  }

  @Test
  void malformedBinaryFramingIsA400NamingTheProblem() {
    String url = node.baseUrl() + "/v2/models/id-fp32/infer";
    byte[] six = new byte[24];
    String good =
        "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"FP32\",\"shape\":[2,3],\"parameters\":{\"binary_data_size\":24}}]}";
    BinaryHttp.Reply tooLong =
        BinaryHttp.postRaw(url, good.length() + 100, (good).getBytes(StandardCharsets.UTF_8));
    assertEquals(400, tooLong.status());
    assertTrue(
        tooLong.json().get("error").asText().contains("Inference-Header-Content-Length"),
        tooLong.json().toString());

    String wrongSize = good.replace("24}", "20}");
    BinaryHttp.Reply wrong = BinaryHttp.post(url, wrongSize, new byte[20]);
    assertEquals(400, wrong.status());
    assertTrue(wrong.json().get("error").asText().contains("'in'"), wrong.json().toString());

    byte[] truncated = {5, 0, 0, 0, 'a', 'b'};
    String bytesHeader =
        "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"parameters\":{\"binary_data_size\":6}}]}";
    BinaryHttp.Reply trunc =
        BinaryHttp.post(node.baseUrl() + "/v2/models/id-bytes/infer", bytesHeader, truncated);
    assertEquals(400, trunc.status());
    assertTrue(trunc.json().get("error").asText().contains("'in'"), trunc.json().toString());

    assertEquals(200, BinaryHttp.post(url, good, six).status(), "the node still serves");
  }
}
