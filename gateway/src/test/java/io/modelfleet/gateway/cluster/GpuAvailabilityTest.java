package io.modelfleet.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GpuAvailabilityTest {

  private static final DeviceInfo CPU = new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false);
  private static final DeviceInfo SIM_GPU =
      new DeviceInfo("gpu0", "gpu", "simulated", "GPU-0", 1L << 33, 1L << 33, 0, true);

  private static NodeInfo node(String address, List<String> roles, DeviceInfo... devices) {
    return new NodeInfo(address, roles, List.of(devices), 0L);
  }

  @Test
  void saysNoGpuOnlyWhenAnUpWorkerReportedAndNoneHasOne() {
    NodeInfo a = node("a", List.of("gateway", "worker"), CPU);
    assertEquals(
        Optional.of("no worker of the cluster has a GPU (workers: a [cpu])"),
        GpuAvailability.noGpu(List.of(a), Set.of("a")));
    NodeInfo b = node("b", List.of("worker"), CPU, SIM_GPU);
    assertEquals(Optional.empty(), GpuAvailability.noGpu(List.of(a, b), Set.of("a", "b")));
  }

  @Test
  void unknownIsNotNo() {
    assertEquals(Optional.empty(), GpuAvailability.noGpu(List.of(), Set.of("a")));
    // A GPU node that is no longer Up does not count, and neither do gateways without the worker
    // role.
    NodeInfo gone = node("gone", List.of("worker"), SIM_GPU);
    NodeInfo a = node("a", List.of("worker"), CPU);
    NodeInfo gw = node("g", List.of("gateway"), SIM_GPU);
    assertEquals(
        Optional.of("no worker of the cluster has a GPU (workers: a [cpu])"),
        GpuAvailability.noGpu(List.of(gone, a, gw), Set.of("a", "g")));
  }
}
