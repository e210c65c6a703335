package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every datatype JSON can carry goes through a real served identity model and comes back equal:
 * the gateway's JSON codec, the replica's ORT conversion and back, over HTTP.
 */
class DatatypeRoundTripIT {
  /** Values per datatype, including each type's extremes; shape [2,3]. */
  private static final Map<DataType, String> DATA = new EnumMap<>(Map.ofEntries(
      Map.entry(DataType.BOOL, "[true,false,true,true,false,false]"),
      Map.entry(DataType.UINT8, "[0,1,2,127,128,255]"),
      Map.entry(DataType.UINT16, "[0,1,2,32767,32768,65535]"),
      Map.entry(DataType.UINT32, "[0,1,2,2147483647,2147483648,4294967295]"),
      Map.entry(DataType.UINT64, "[0,1,2,9223372036854775807,9223372036854775808,18446744073709551615]"),
      Map.entry(DataType.INT8, "[-128,-1,0,1,2,127]"),
      Map.entry(DataType.INT16, "[-32768,-1,0,1,2,32767]"),
      Map.entry(DataType.INT32, "[-2147483648,-1,0,1,2,2147483647]"),
      Map.entry(DataType.INT64, "[-9223372036854775808,-1,0,1,2,9223372036854775807]"),
      Map.entry(DataType.FP16, "[-2.0,-0.5,0.0,0.25,1.5,65504.0]"),
      Map.entry(DataType.BF16, "[-2.0,-0.5,0.0,0.25,1.5,3.0]"),
      Map.entry(DataType.FP32, "[-1.5,-0.1,0.0,1.0E-7,3.4028235E38,42.0]"),
      Map.entry(DataType.FP64, "[-1.5,-0.1,0.0,4.9E-324,1.7976931348623157E308,42.0]"),
      Map.entry(DataType.BYTES, "[\"\",\"a\",\"héllo\",\"with space\",\"🙂\",\"\\u0000nul\"]")));

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = FleetNode.start(TestNodes.config(dataDir, Map.of()));
    http = new Http(node.baseUrl());
    for (DataType dt : DataType.values()) {
      String m = name(dt);
      assertEquals(201, http.put("/v1/models/" + m + "/versions/1", TestModels.identity(dt)).status(), m);
      assertEquals(202, http.post("/v1/models/" + m + "/deployments", "{\"version\":\"1\",\"replicas\":1}").status(), m);
    }
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
    Http.Response r = http.post("/v2/models/" + name(dt) + "/infer",
        "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"" + dt + "\",\"shape\":[2,3],\"data\":" + data + "}]}");
    assertEquals(200, r.status(), r.body());
    var out = r.json().get("outputs").get(0);
    assertEquals("out", out.get("name").asText());
    assertEquals(dt.name(), out.get("datatype").asText());
    assertEquals("[2,3]", out.get("shape").toString());
    assertEquals(Http.JSON.readTree(data), out.get("data"), dt + " data");
  }
}
