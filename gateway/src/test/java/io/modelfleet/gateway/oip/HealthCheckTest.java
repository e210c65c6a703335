package io.modelfleet.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

  private static ModelView model(String name, boolean deployed) {
    VersionInfo v =
        new VersionInfo("1", "sha256:1", 10, List.of(), List.of(), Instant.EPOCH, "anonymous");
    return new ModelView(
        name,
        Map.of("1", v),
        deployed ? Map.of("1", new DeploymentSpec("1", 1, DeviceKind.GPU)) : Map.of(),
        Map.of());
  }

  @Test
  void strictModeNamesEveryDeployedModelWithoutAReadyReplica() {
    RoutingTable table =
        RoutingTable.of(
            List.of(
                new ReplicaInfo(
                    "ok/1/0", "ok", "1", "node", "cpu", ReplicaState.READY, null, null, 0L, 0L),
                new ReplicaInfo(
                    "gpu/1/0",
                    "gpu",
                    "1",
                    null,
                    null,
                    ReplicaState.PENDING,
                    "no worker has a GPU",
                    null,
                    0L,
                    0L)));
    Optional<String> problem =
        HealthCheck.strict(
            List.of(model("ok", true), model("gpu", true), model("idle", false)), table);
    assertEquals("model 'gpu' has no Ready replica (1 PENDING)", problem.orElseThrow());
    assertEquals(Optional.empty(), HealthCheck.strict(List.of(model("ok", true)), table));
  }

  @Test
  void nodeModeWithoutTheDirectoryIsReadyOnlyWhenNothingIsDeployed() {
    assertEquals(Optional.empty(), HealthCheck.withoutDirectory(List.of(model("idle", false))));
    String problem =
        HealthCheck.withoutDirectory(List.of(model("a", true), model("b", false))).orElseThrow();
    assertTrue(
        problem.contains("not yet received the replica directory")
            && problem.contains("1 deployed"),
        problem);
  }

  @Test
  void modeIsNodeOrStrict() {
    assertEquals(HealthCheck.Mode.NODE, HealthCheck.Mode.fromConfig(ConfigFactory.load()));
    assertEquals(
        HealthCheck.Mode.STRICT,
        HealthCheck.Mode.fromConfig(
            ConfigFactory.parseString("modelfleet.gateway.readiness = strict")));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HealthCheck.Mode.fromConfig(
                    ConfigFactory.parseString("modelfleet.gateway.readiness = loose")));
    assertTrue(e.getMessage().contains("node or strict"), e.getMessage());
  }
}
