package io.modelfleet.node.placement;

import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.replica.ReplicaId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bookkeeping of one planning pass: which workers may host replicas, how much GPU memory each
 * GPU has left in this pass, and how many replicas (in total and per model version) each worker
 * holds. Mutable and used by one pass only; {@link PlacementPlanner} builds a fresh one per call.
 *
 * <p>Eligible means: listed in the node directory, has the worker role, and is not draining. A
 * worker always has a CPU; when its inventory lists no "cpu" device the CPU is called "cpu", as the
 * node's own inventory names it.
 *
 * <p>A GPU whose total memory is 0 has not reported its memory (a real GPU before the NVML
 * inventory reads it). It has no budget: every replica fits, and best fit ranks it after every GPU
 * with a known budget, so it is used only when those are full.
 */
final class Ledger {
  static final String IMPLICIT_CPU_ID = "cpu";

  static final class Gpu {
    final String id;
    final boolean budgeted;
    long remainingBytes;

    Gpu(String id, boolean budgeted, long remainingBytes) {
      this.id = id;
      this.budgeted = budgeted;
      this.remainingBytes = remainingBytes;
    }

    boolean fits(long footprintBytes) {
      return !budgeted || remainingBytes >= footprintBytes;
    }

    /** What best fit minimises: the memory left after placing; unbudgeted GPUs rank last. */
    long leftAfter(long footprintBytes) {
      return budgeted ? remainingBytes - footprintBytes : Long.MAX_VALUE;
    }
  }

  static final class Node {
    final String address;
    final String cpuId;
    final List<Gpu> gpus;
    int total;
    private final Map<String, Integer> perVersion = new HashMap<>();

    Node(String address, String cpuId, List<Gpu> gpus) {
      this.address = address;
      this.cpuId = cpuId;
      this.gpus = gpus;
    }

    int versionCount(ReplicaId replica) {
      return perVersion.getOrDefault(versionKey(replica), 0);
    }

    Gpu gpu(String deviceId) {
      for (Gpu g : gpus) {
        if (g.id.equals(deviceId)) {
          return g;
        }
      }
      return null;
    }

    /** The GPU that the replica fills most tightly, ties to the lowest id; empty when none fits. */
    Optional<Gpu> bestFitGpu(long footprintBytes) {
      return gpus.stream()
          .filter(g -> g.fits(footprintBytes))
          .min(
              Comparator.<Gpu>comparingLong(g -> g.leftAfter(footprintBytes))
                  .thenComparing(g -> g.id));
    }

    private void count(ReplicaId replica, int delta) {
      total += delta;
      perVersion.merge(versionKey(replica), delta, Integer::sum);
    }
  }

  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final int listed;
  private final int drainingWorkers;

  Ledger(List<NodeInfo> directory, Set<String> draining) {
    int drainingSeen = 0;
    for (NodeInfo info : directory) {
      if (info.roles() == null || !info.roles().contains(ClusterKeys.ROLE_WORKER)) {
        continue;
      }
      if (draining.contains(info.address())) {
        drainingSeen++;
        continue;
      }
      nodes.put(info.address(), toNode(info));
    }
    this.listed = directory.size();
    this.drainingWorkers = drainingSeen;
  }

  private static Node toNode(NodeInfo info) {
    List<DeviceInfo> devices = new ArrayList<>(info.devices() == null ? List.of() : info.devices());
    devices.sort(Comparator.comparing(DeviceInfo::id));
    String cpuId = null;
    List<Gpu> gpus = new ArrayList<>();
    for (DeviceInfo d : devices) {
      String kind = d.kind() == null ? "" : d.kind().toLowerCase(Locale.ROOT);
      if (kind.equals("cpu") && cpuId == null) {
        cpuId = d.id();
      } else if (kind.equals("gpu")) {
        boolean budgeted = d.memoryTotalBytes() > 0;
        gpus.add(new Gpu(d.id(), budgeted, budgeted ? d.memoryFreeBytes() : 0));
      }
    }
    return new Node(info.address(), cpuId == null ? IMPLICIT_CPU_ID : cpuId, gpus);
  }

  static String versionKey(ReplicaId replica) {
    return replica.model() + "/" + replica.version();
  }

  boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** Eligible workers, by address. */
  Collection<Node> nodes() {
    return nodes.values();
  }

  /** The eligible worker at this address, or null. */
  Node node(String address) {
    return nodes.get(address);
  }

  /** True when the assignment names an eligible worker and a device it still has. */
  boolean exists(Assignment a) {
    Node n = nodes.get(a.nodeAddress());
    return n != null && (n.cpuId.equals(a.deviceId()) || n.gpu(a.deviceId()) != null);
  }

  /** True when the assignment names a GPU of an eligible worker. */
  boolean isGpu(Assignment a) {
    Node n = nodes.get(a.nodeAddress());
    return n != null && n.gpu(a.deviceId()) != null;
  }

  /** Counts the replica on its node and takes its footprint from its GPU's budget, if any. */
  void record(ReplicaId replica, Assignment a, long footprintBytes) {
    Node n = nodes.get(a.nodeAddress());
    n.count(replica, 1);
    Gpu g = n.gpu(a.deviceId());
    if (g != null && g.budgeted) {
      g.remainingBytes -= footprintBytes;
    }
  }

  /**
   * Counts a move for spreading, and reserves its footprint on the target. The source keeps its
   * memory: the old copy holds it until the new one is Ready, so later moves of the same batch must
   * not count on it.
   */
  void recordMove(ReplicaId replica, Assignment from, Assignment to, long footprintBytes) {
    nodes.get(from.nodeAddress()).count(replica, -1);
    record(replica, to, footprintBytes);
  }

  /** The GPU with the most memory left in this pass, ties to the lowest address and id. */
  Optional<Map.Entry<Node, Gpu>> largestFreeGpu() {
    Map.Entry<Node, Gpu> best = null;
    for (Node n : nodes.values()) {
      for (Gpu g : n.gpus) {
        if (g.budgeted && (best == null || g.remainingBytes > best.getValue().remainingBytes)) {
          best = Map.entry(n, g);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** How many nodes the directory listed, for pending reasons. */
  int listed() {
    return listed;
  }

  /** How many workers were left out because they are draining, for pending reasons. */
  int drainingWorkers() {
    return drainingWorkers;
  }
}
