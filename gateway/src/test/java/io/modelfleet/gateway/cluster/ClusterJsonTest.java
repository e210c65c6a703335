package io.modelfleet.gateway.cluster;

import static io.modelfleet.gateway.routing.Replicas.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.routing.ReplicaChooser;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class ClusterJsonTest {

  private static final String A = "pekko://modelfleet@10.0.0.1:25520";
  private static final String B = "pekko://modelfleet@10.0.0.2:25520";
  private static final String GONE = "pekko://modelfleet@10.0.0.9:25520";

  private static final DeviceInfo GPU =
      new DeviceInfo(
          "gpu:0", "gpu", "NVIDIA H200", "GPU-1234", 150_000_000_000L, 140_000_000_000L, 37, false);
  private static final DeviceInfo CPU = new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false);

  private static final Map<String, NodeInfo> NODES =
      Map.of(A, new NodeInfo(A, List.of("gateway", "worker"), List.of(GPU, CPU), 1L));

  private static final RoutingTable TABLE =
      RoutingTable.of(
          List.of(
              replica("m", "1", 0, ReplicaState.READY, A),
              replica("m", "1", 1, ReplicaState.LOADING, A),
              replica("m", "1", 2, ReplicaState.READY, B),
              replica("m", "1", 3, ReplicaState.READY, GONE)),
          Set.of(A, B));

  @Test
  void aMemberShowsItsDevicesDrainingAndReplicaCount() {
    MemberRow row =
        ClusterMembers.row(
            A,
            Set.of("worker", "dc-default", "gateway"),
            "Up",
            true,
            true,
            true,
            NODES,
            Set.of(A),
            TABLE);
    JsonNode m = members(List.of(row)).get(0);

    assertEquals(A, m.get("address").asText());
    assertEquals(List.of("gateway", "worker"), texts(m.get("roles")));
    assertEquals("Up", m.get("status").asText());
    assertEquals(true, m.get("reachable").asBoolean());
    assertEquals(true, m.get("leader").asBoolean());
    assertEquals(true, m.get("oldest").asBoolean());
    assertEquals(true, m.get("draining").asBoolean());
    assertEquals(2, m.get("replicas").asInt());

    JsonNode gpu = m.get("devices").get(0);
    assertEquals("gpu:0", gpu.get("id").asText());
    assertEquals("gpu", gpu.get("kind").asText());
    assertEquals("NVIDIA H200", gpu.get("name").asText());
    assertEquals("GPU-1234", gpu.get("uuid").asText());
    assertEquals(150_000_000_000L, gpu.get("memory_total_bytes").asLong());
    assertEquals(140_000_000_000L, gpu.get("memory_free_bytes").asLong());
    assertEquals(37, gpu.get("utilization_percent").asInt());
    assertEquals(false, gpu.get("simulated").asBoolean());
    assertEquals("cpu", m.get("devices").get(1).get("kind").asText());
    assertEquals(-1, m.get("devices").get(1).get("utilization_percent").asInt());
  }

  @Test
  void aMemberThatHasNotPublishedShowsNoDevicesAndOldestIsLeftOutWhenUnknown() {
    MemberRow row =
        ClusterMembers.row(
            B, Set.of("dc-default"), "Joining", false, false, null, NODES, Set.of(A), TABLE);
    JsonNode m = members(List.of(row)).get(0);

    assertEquals(List.of(), texts(m.get("roles")));
    assertEquals("Joining", m.get("status").asText());
    assertEquals(false, m.get("reachable").asBoolean());
    assertEquals(false, m.get("leader").asBoolean());
    assertFalse(m.has("oldest"));
    assertEquals(false, m.get("draining").asBoolean());
    assertEquals(0, m.get("devices").size());
    assertEquals(1, m.get("replicas").asInt());
  }

  @Test
  void devicesAreFoundByTheAddressInsideTheEntryToo() {
    Map<String, NodeInfo> keyedOtherwise =
        Map.of("node-1", new NodeInfo(B, List.of(), List.of(CPU), 1L));
    assertEquals(List.of(CPU), ClusterMembers.devices(B, keyedOtherwise));
    assertEquals(List.of(), ClusterMembers.devices(A, keyedOtherwise));
  }

  @Test
  void membersKeepTheirOrder() {
    JsonNode members =
        members(
            List.of(
                ClusterMembers.row(A, Set.of(), "Up", true, true, true, NODES, Set.of(), TABLE),
                ClusterMembers.row(B, Set.of(), "Up", true, false, false, NODES, Set.of(), TABLE)));
    assertEquals(2, members.size());
    assertEquals(B, members.get(1).get("address").asText());
    assertEquals(false, members.get(1).get("oldest").asBoolean());
  }

  @Test
  void replicasAreSortedByIdWithThisGatewaysInFlightCounts() {
    ReplicaChooser chooser = new ReplicaChooser();
    chooser.acquire("m/1/2");
    chooser.acquire("m/1/2");
    RoutingTable table =
        RoutingTable.of(
            List.of(
                replica("m", "1", 2, ReplicaState.READY, B),
                replica("m", "1", 1, ReplicaState.FAILED, A),
                replica("m", "1", 0, ReplicaState.READY, A)),
            Set.of(A, B));

    JsonNode body =
        parse(
            Json.bytes(g -> ClusterJson.replicas(table.all(), chooser::inFlight, g)).utf8String());
    JsonNode replicas = body.get("replicas");
    assertEquals(3, replicas.size());
    assertEquals("m/1/0", replicas.get(0).get("id").asText());
    JsonNode failed = replicas.get(1);
    assertEquals("m/1/1", failed.get("id").asText());
    assertEquals("m", failed.get("model").asText());
    assertEquals("1", failed.get("version").asText());
    assertEquals(A, failed.get("node").asText());
    assertEquals("cpu", failed.get("device").asText());
    assertEquals("FAILED", failed.get("state").asText());
    assertEquals("artifact digest mismatch", failed.get("reason").asText());
    assertEquals(0, failed.get("in_flight").asInt());
    assertFalse(replicas.get(2).has("reason"));
    assertEquals(2, replicas.get(2).get("in_flight").asInt());
  }

  @Test
  void aDrainAnswerSaysWhatHappensNext() {
    JsonNode body =
        parse(
            Json.bytes(g -> ClusterJson.draining(A, ClusterRoutes.DRAIN_MESSAGE, g)).utf8String());
    assertEquals(A, body.get("address").asText());
    assertEquals(true, body.get("draining").asBoolean());
    assertEquals(
        "its replicas move to other workers, then it leaves the cluster",
        body.get("message").asText());
  }

  private static JsonNode members(List<MemberRow> rows) {
    JsonNode body = parse(Json.bytes(g -> ClusterJson.members(rows, g)).utf8String());
    return body.get("members");
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
