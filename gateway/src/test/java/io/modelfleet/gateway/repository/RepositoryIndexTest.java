package io.modelfleet.gateway.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class RepositoryIndexTest {

  private static VersionInfo version(String v) {
    return new VersionInfo(v, "sha256:" + v, 10, List.of(), List.of(), Instant.EPOCH, "anonymous");
  }

  private static ReplicaInfo replica(String v, int i, ReplicaState state, String reason) {
    return new ReplicaInfo("m/" + v + "/" + i, "m", v, "node", "cpu", state, reason, null, 0L, 0L);
  }

  @Test
  void listsEveryVersionWithTheStateTritonClientsExpect() {
    Map<String, VersionInfo> versions = new TreeMap<>(ModelView.VersionOrder.INSTANCE);
    for (String v : List.of("1", "2", "3", "4", "10")) {
      versions.put(v, version(v));
    }
    ModelView view =
        new ModelView(
            "m",
            versions,
            Map.of(
                "2",
                new DeploymentSpec("2", 1, DeviceKind.AUTO),
                "3",
                new DeploymentSpec("3", 1, DeviceKind.AUTO),
                "4",
                new DeploymentSpec("4", 1, DeviceKind.AUTO)),
            Map.of());
    RoutingTable table =
        RoutingTable.of(
            List.of(
                replica("2", 0, ReplicaState.LOADING, null),
                replica("3", 0, ReplicaState.FAILED, "no CUDA device"),
                replica("10", 0, ReplicaState.READY, null),
                replica("10", 1, ReplicaState.LOADING, null)));
    String json = Json.bytes(g -> RepositoryIndex.write(List.of(view), table, g)).utf8String();
    assertEquals(
        "["
            + "{\"name\":\"m\",\"version\":\"1\",\"state\":\"UNAVAILABLE\",\"reason\":\"not deployed\"},"
            + "{\"name\":\"m\",\"version\":\"2\",\"state\":\"LOADING\"},"
            + "{\"name\":\"m\",\"version\":\"3\",\"state\":\"UNAVAILABLE\",\"reason\":\"no CUDA device\"},"
            + "{\"name\":\"m\",\"version\":\"4\",\"state\":\"UNAVAILABLE\",\"reason\":\"deployed, no replica started yet\"},"
            + "{\"name\":\"m\",\"version\":\"10\",\"state\":\"READY\"}]",
        json);

    String ready =
        Json.bytes(g -> RepositoryIndex.write(List.of(view), table, true, g)).utf8String();
    assertEquals("[{\"name\":\"m\",\"version\":\"10\",\"state\":\"READY\"}]", ready);
  }

  @Test
  void theReadyFlagIsAnOptionalBoolean() {
    assertFalse(RepositoryIndex.readyOnly(null));
    assertFalse(RepositoryIndex.readyOnly(Json.parseObject(ByteString.fromString("{}"))));
    assertFalse(
        RepositoryIndex.readyOnly(Json.parseObject(ByteString.fromString("{\"ready\":false}"))));
    assertTrue(
        RepositoryIndex.readyOnly(Json.parseObject(ByteString.fromString("{\"ready\":true}"))));
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                RepositoryIndex.readyOnly(
                    Json.parseObject(ByteString.fromString("{\"ready\":\"yes\"}"))));
    assertEquals(400, e.status());
    assertEquals("'ready' must be a boolean, got a string", e.getMessage());
  }
}
