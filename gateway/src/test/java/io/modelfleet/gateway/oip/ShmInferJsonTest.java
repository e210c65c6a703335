package io.modelfleet.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.oip.tensor.MemoryReservation;
import io.modelfleet.gateway.shm.ShmRef;
import io.modelfleet.gateway.shm.ShmRegistry;
import io.modelfleet.gateway.shm.ShmSettings;
import io.modelfleet.gateway.shm.ShmTensors;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inference bodies whose inputs and outputs name shared memory regions. */
class ShmInferJsonTest {

  @TempDir Path dir;
  ShmTensors shm;

  @BeforeEach
  void region() throws IOException {
    Files.write(dir.resolve("r"), new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    ShmRegistry registry = new ShmRegistry(new ShmSettings(dir, 4, 1024), Runnable::run);
    registry.register("r", "/r", 0, 16);
    shm = new ShmTensors(registry);
  }

  private InferCall parse(String json) {
    return InferJson.parseRequest(null, ByteString.fromString(json), MemoryReservation.NONE, shm);
  }

  private String refused(String json) {
    ApiException e = assertThrows(ApiException.class, () -> parse(json));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  private static String input(String parameters) {
    return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT32\",\"shape\":[2],"
        + "\"parameters\":"
        + parameters
        + "}]}";
  }

  @Test
  void anInputIsReadFromItsRegion() {
    InferCall c =
        parse(
            input(
                "{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":8,"
                    + "\"shared_memory_offset\":0}"));
    assertArrayEquals(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}, c.request().inputs().get(0).data());
  }

  @Test
  void inputParametersAreCheckedAsTritonChecksThem() {
    assertTrue(
        refused(input("{\"shared_memory_region\":\"r\"}")).contains("'shared_memory_byte_size'"));
    assertTrue(
        refused(input("{\"shared_memory_byte_size\":8}")).contains("'shared_memory_region'"));
    assertTrue(
        refused(input("{\"shared_memory_region\":3,\"shared_memory_byte_size\":8}"))
            .contains("must be a string"));
    assertTrue(
        refused(input("{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":-8}"))
            .contains("non-negative"));
    assertTrue(
        refused(input("{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":12}"))
            .contains("needs 8 bytes"));
    assertTrue(
        refused(
                input(
                    "{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":8,"
                        + "\"shared_memory_offset\":12}"))
            .contains("do not fit"));
    assertTrue(
        refused(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT32\",\"shape\":[2],\"data\":[1,2],"
                    + "\"parameters\":{\"shared_memory_region\":\"r\","
                    + "\"shared_memory_byte_size\":8}}]}")
            .contains("send its values one way"));
  }

  private static String output(String parameters) {
    return "{\"inputs\":[],\"outputs\":[{\"name\":\"y\",\"parameters\":" + parameters + "}]}";
  }

  @Test
  void anOutputInARegionIsDescribedWithoutData() throws IOException {
    InferCall c =
        parse(
            output(
                "{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":8,"
                    + "\"shared_memory_offset\":8}"));
    assertEquals(new ShmRef("r", 8, 8), c.binaryOutputs().shm("y"));
    Tensor y = new Tensor("y", DataType.INT32, new long[] {1}, new byte[] {5, 0, 0, 0});
    Tensor z = new Tensor("z", DataType.INT32, new long[] {1}, new byte[] {6, 0, 0, 0});
    InferResult result = new InferResult("m", "1", null, List.of(y, z));
    shm.writeOutputs(result.outputs(), c.binaryOutputs().shm());
    ByteString body = ((HttpEntity.Strict) BinaryResponse.of(result, c).entity()).getData();
    assertEquals(
        "{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":["
            + "{\"name\":\"y\",\"datatype\":\"INT32\",\"shape\":[1],\"parameters\":"
            + "{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":4,"
            + "\"shared_memory_offset\":8}},"
            + "{\"name\":\"z\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[6]}]}",
        Json.parse(body).toString());
    assertArrayEquals(
        new byte[] {5, 0, 0, 0}, Arrays.copyOfRange(Files.readAllBytes(dir.resolve("r")), 8, 12));
  }

  @Test
  void outputParametersAreChecked() {
    assertTrue(
        refused(output("{\"shared_memory_region\":\"r\"}")).contains("'shared_memory_byte_size'"));
    assertTrue(
        refused(output("{\"shared_memory_region\":\"q\",\"shared_memory_byte_size\":8}"))
            .contains("'q' is not registered"));
    assertTrue(
        refused(output("{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":\"8\"}"))
            .contains("non-negative integer"));
  }

  @Test
  void withoutRegistryEveryRegionIsUnknown() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                InferJson.parseRequest(
                    ByteString.fromString(
                        input("{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":8}"))));
    assertTrue(e.getMessage().contains("not registered"), e.getMessage());
  }
}
