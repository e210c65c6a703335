package io.modelfleet.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {

  @Test
  void everyDatatypeHasTritonsConfigName() {
    Map<DataType, String> triton =
        Map.ofEntries(
            Map.entry(DataType.BOOL, "TYPE_BOOL"),
            Map.entry(DataType.UINT8, "TYPE_UINT8"),
            Map.entry(DataType.UINT16, "TYPE_UINT16"),
            Map.entry(DataType.UINT32, "TYPE_UINT32"),
            Map.entry(DataType.UINT64, "TYPE_UINT64"),
            Map.entry(DataType.INT8, "TYPE_INT8"),
            Map.entry(DataType.INT16, "TYPE_INT16"),
            Map.entry(DataType.INT32, "TYPE_INT32"),
            Map.entry(DataType.INT64, "TYPE_INT64"),
            Map.entry(DataType.FP16, "TYPE_FP16"),
            Map.entry(DataType.BF16, "TYPE_BF16"),
            Map.entry(DataType.FP32, "TYPE_FP32"),
            Map.entry(DataType.FP64, "TYPE_FP64"),
            Map.entry(DataType.BYTES, "TYPE_STRING"));
    assertEquals(DataType.values().length, triton.size());
    triton.forEach((type, name) -> assertEquals(name, ConfigJson.tritonType(type), type.name()));
  }

  @Test
  void devicesAreTritonsInstanceKinds() {
    assertEquals("KIND_GPU", ConfigJson.kind(DeviceKind.GPU));
    assertEquals("KIND_CPU", ConfigJson.kind(DeviceKind.CPU));
    assertEquals("KIND_AUTO", ConfigJson.kind(DeviceKind.AUTO));
  }

  private static JsonNode config(DeploymentSpec deployment) throws Exception {
    VersionInfo v =
        new VersionInfo(
            "1",
            "sha256:00",
            10,
            List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 3L))),
            List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
            Instant.EPOCH,
            "ops");
    ObjectMapper json = new ObjectMapper();
    StringWriter out = new StringWriter();
    try (JsonGenerator g = json.getFactory().createGenerator(out)) {
      ConfigJson.write("m", v, deployment, g);
    }
    return json.readTree(out.toString());
  }

  @Test
  void showsTheResponseCacheAsTritonDoes() throws Exception {
    DeploymentSpec cached =
        new DeploymentSpec(
            "1",
            1,
            DeviceKind.CPU,
            BatchingSpec.NONE,
            SessionSpec.DEFAULTS,
            List.of(),
            ResponseCacheSpec.ON);
    assertEquals("{\"enable\":true}", config(cached).get("response_cache").toString());
    assertEquals(
        "{\"enable\":false}",
        config(new DeploymentSpec("1", 1, DeviceKind.CPU)).get("response_cache").toString());
    assertEquals("{\"enable\":false}", config(null).get("response_cache").toString());
  }
}
