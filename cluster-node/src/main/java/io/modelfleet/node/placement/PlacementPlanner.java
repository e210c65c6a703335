package io.modelfleet.node.placement;

import io.modelfleet.node.placement.Ledger.Gpu;
import io.modelfleet.node.placement.Ledger.Node;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.replica.ReplicaId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides on which worker and device each replica runs. Pure: no actors, no clocks, no I/O; the
 * deployment controller gathers the node directory, the draining set, the desired replicas and the
 * current assignments, and acts on the result.
 *
 * <p>Rules, in the order they bind:
 *
 * <ol>
 *   <li><b>Eligibility.</b> Only nodes with the worker role that are not draining host replicas. A
 *       draining or vanished node's replicas are planned elsewhere ({@link Plan#displaced()}).
 *   <li><b>Stability.</b> A replica already placed stays where it is while its node is eligible,
 *       its device still exists and is of a kind its deployment accepts. A better spot appearing
 *       never moves it; only {@link #rebalance} proposes moves, and the controller decides when. A
 *       kept replica is never evicted for memory either: if the GPU's free memory shrank below what
 *       its replicas need, that GPU takes no new replica, and that is all.
 *   <li><b>Device kind.</b> GPU: a GPU or pending. CPU: the CPU. AUTO: a GPU if one fits anywhere,
 *       else the CPU of some worker.
 *   <li><b>GPU memory is a budget.</b> A GPU's reported free memory minus the footprints of all
 *       replicas this plan puts on it, kept ones included, stays at or above 0. The CPU has no
 *       budget. The caller decides what "free" means; with live NVML figures the memory of replicas
 *       already loaded is counted twice, which errs on the side of not overcommitting.
 *   <li><b>Spread.</b> Among the workers where the replica fits, the one with the fewest replicas
 *       of the same model version, then the fewest replicas in total, then the lowest address.
 *   <li><b>Bin packing.</b> Within that worker, the GPU left with the least free memory after
 *       placing it (best fit), then the lowest device id.
 * </ol>
 *
 * <p>New replicas are placed GPU-only first (they have no fallback), then AUTO, then CPU; within
 * each, the largest footprint first (best fit decreasing packs tighter than arrival order), then by
 * model, version and index. Everything is sorted before it is used, so the same input gives the
 * same plan whatever the order of the lists and maps passed in.
 */
public final class PlacementPlanner {

  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;

  private PlacementPlanner() {}

  /**
   * Places every desired replica: keeps the current assignments that are still valid and finds a
   * place for the rest, or says in {@link Plan#pending()} why there is none.
   *
   * @param nodes the node directory; nodes without the worker role are ignored
   * @param draining addresses of members being drained; they host nothing new and lose their
   *     replicas to other workers
   * @param desired every replica that should run, with its device kind and footprint
   * @param current where replicas run now; entries for replicas no longer desired are ignored
   */
  public static Plan plan(
      List<NodeInfo> nodes,
      Set<String> draining,
      Map<ReplicaId, ReplicaRequest> desired,
      Map<ReplicaId, Assignment> current) {
    Ledger ledger = new Ledger(nodes, draining);
    Map<ReplicaId, Assignment> assignments = new HashMap<>();
    Map<ReplicaId, String> pending = new HashMap<>();
    Map<ReplicaId, Assignment> displaced = new HashMap<>();
    List<ReplicaId> toPlace = new ArrayList<>();

    for (ReplicaId id : sortedKeys(desired)) {
      ReplicaRequest request = desired.get(id);
      Assignment now = current.get(id);
      if (now == null) {
        toPlace.add(id);
      } else if (ledger.exists(now) && accepts(request.kind(), ledger.isGpu(now))) {
        ledger.record(id, now, request.footprintBytes());
        assignments.put(id, now);
      } else {
        displaced.put(id, now);
        toPlace.add(id);
      }
    }

    toPlace.sort(
        Comparator.<ReplicaId>comparingInt(id -> kindRank(desired.get(id).kind()))
            .thenComparing(id -> desired.get(id).footprintBytes(), Comparator.reverseOrder())
            .thenComparing(Plan.REPLICA_ORDER));
    for (ReplicaId id : toPlace) {
      ReplicaRequest request = desired.get(id);
      Optional<Assignment> placed =
          switch (request.kind()) {
            case GPU -> onGpu(ledger, id, request.footprintBytes());
            case CPU -> onCpu(ledger, id);
            case AUTO -> onGpu(ledger, id, request.footprintBytes()).or(() -> onCpu(ledger, id));
          };
      if (placed.isPresent()) {
        ledger.record(id, placed.get(), request.footprintBytes());
        assignments.put(id, placed.get());
      } else {
        pending.put(
            id,
            request.kind() == DeviceKind.GPU && !ledger.isEmpty()
                ? noGpuReason(ledger, id, request.footprintBytes())
                : noWorkerReason(ledger, id));
      }
    }
    return new Plan(assignments, pending, displaced);
  }

  /**
   * Proposes at most {@code maxMoves} moves that even out a stable plan, for the controller to run
   * make-before-break. First, while some model version has at least 2 more replicas on one worker
   * than on another, one of them moves to the worker with the fewest of that version. Then, while
   * one worker holds at least 2 more replicas in total than another, a replica moves from the
   * fuller to the emptier one, chosen so that no version ends up less spread than before.
   *
   * <p>A move respects the replica's device kind and the target's GPU budget; a replica on a GPU
   * stays on a GPU even when AUTO. The source's memory is not counted as freed within the batch
   * (the old copy holds it until the new one is Ready), and no replica moves twice in one batch.
   * Each move lowers the imbalance, so repeated calls settle.
   *
   * @param stable a plan from {@link #plan} on the same inventory; its pending replicas are ignored
   */
  public static List<Move> rebalance(
      List<NodeInfo> nodes,
      Set<String> draining,
      Map<ReplicaId, ReplicaRequest> desired,
      Plan stable,
      int maxMoves) {
    if (maxMoves < 0) {
      throw new IllegalArgumentException("maxMoves must be >= 0, got " + maxMoves);
    }
    Ledger ledger = new Ledger(nodes, draining);
    Map<ReplicaId, Assignment> where = new TreeMap<>(Plan.REPLICA_ORDER);
    stable
        .assignments()
        .forEach(
            (id, a) -> {
              ReplicaRequest request = desired.get(id);
              if (request != null && ledger.exists(a)) {
                ledger.record(id, a, request.footprintBytes());
                where.put(id, a);
              }
            });
    List<Move> moves = new ArrayList<>();
    Set<ReplicaId> moved = new HashSet<>();
    while (moves.size() < maxMoves) {
      Optional<Move> next =
          spreadVersionMove(ledger, desired, where, moved)
              .or(() -> spreadTotalMove(ledger, desired, where, moved));
      if (next.isEmpty()) {
        break;
      }
      Move m = next.get();
      ledger.recordMove(m.replica(), m.from(), m.to(), desired.get(m.replica()).footprintBytes());
      where.put(m.replica(), m.to());
      moved.add(m.replica());
      moves.add(m);
    }
    return List.copyOf(moves);
  }

  private static Optional<Move> spreadVersionMove(
      Ledger ledger,
      Map<ReplicaId, ReplicaRequest> desired,
      Map<ReplicaId, Assignment> where,
      Set<ReplicaId> moved) {
    Map<String, List<ReplicaId>> byVersion = new TreeMap<>();
    where
        .keySet()
        .forEach(
            id -> byVersion.computeIfAbsent(Ledger.versionKey(id), k -> new ArrayList<>()).add(id));
    List<List<ReplicaId>> versions = new ArrayList<>(byVersion.values());
    // The most uneven version first; the sort is stable, so ties keep model/version order.
    versions.sort(
        Comparator.comparingInt((List<ReplicaId> v) -> spreadOf(ledger, v.get(0))).reversed());
    for (List<ReplicaId> version : versions) {
      ReplicaId sample = version.get(0);
      List<Node> sources =
          sortedNodes(
              ledger,
              Comparator.<Node>comparingInt(n -> -n.versionCount(sample))
                  .thenComparingInt(n -> -n.total));
      List<Node> targets =
          sortedNodes(
              ledger,
              Comparator.<Node>comparingInt(n -> n.versionCount(sample))
                  .thenComparingInt(n -> n.total));
      for (Node source : sources) {
        for (Node target : targets) {
          if (source.versionCount(sample) - target.versionCount(sample) < 2) {
            break;
          }
          List<ReplicaId> onSource = new ArrayList<>(version);
          onSource.removeIf(
              id -> moved.contains(id) || !where.get(id).nodeAddress().equals(source.address));
          onSource.sort(Comparator.comparingInt(ReplicaId::index).reversed());
          for (ReplicaId id : onSource) {
            Optional<Move> m = moveTo(ledger, id, desired.get(id), where.get(id), target);
            if (m.isPresent()) {
              return m;
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Move> spreadTotalMove(
      Ledger ledger,
      Map<ReplicaId, ReplicaRequest> desired,
      Map<ReplicaId, Assignment> where,
      Set<ReplicaId> moved) {
    List<Node> sources = sortedNodes(ledger, Comparator.comparingInt(n -> -n.total));
    List<Node> targets = sortedNodes(ledger, Comparator.comparingInt(n -> n.total));
    for (Node source : sources) {
      for (Node target : targets) {
        if (source.total - target.total < 2) {
          break;
        }
        List<ReplicaId> candidates = new ArrayList<>();
        where.forEach(
            (id, a) -> {
              // Moving must not leave the target with more of this version than the source had.
              if (!moved.contains(id)
                  && a.nodeAddress().equals(source.address)
                  && target.versionCount(id) + 1 <= source.versionCount(id)) {
                candidates.add(id);
              }
            });
        candidates.sort(
            Comparator.<ReplicaId>comparingInt(target::versionCount)
                .thenComparingInt(id -> -source.versionCount(id))
                .thenComparing(Plan.REPLICA_ORDER));
        for (ReplicaId id : candidates) {
          Optional<Move> m = moveTo(ledger, id, desired.get(id), where.get(id), target);
          if (m.isPresent()) {
            return m;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Move> moveTo(
      Ledger ledger, ReplicaId id, ReplicaRequest request, Assignment from, Node target) {
    long footprint = request.footprintBytes();
    boolean onGpuNow = ledger.isGpu(from);
    Optional<Assignment> to =
        switch (request.kind()) {
          case GPU -> gpuOf(target, footprint);
          case CPU -> Optional.of(new Assignment(target.address, target.cpuId));
          // AUTO on a GPU stays on a GPU: a rebalance must not slow a replica down.
          case AUTO ->
              onGpuNow
                  ? gpuOf(target, footprint)
                  : gpuOf(target, footprint)
                      .or(() -> Optional.of(new Assignment(target.address, target.cpuId)));
        };
    return to.map(a -> new Move(id, from, a));
  }

  private static Optional<Assignment> gpuOf(Node node, long footprintBytes) {
    return node.bestFitGpu(footprintBytes).map(g -> new Assignment(node.address, g.id));
  }

  private static Optional<Assignment> onGpu(Ledger ledger, ReplicaId id, long footprintBytes) {
    return ledger.nodes().stream()
        .filter(n -> n.bestFitGpu(footprintBytes).isPresent())
        .min(spreadOrder(id))
        .flatMap(n -> gpuOf(n, footprintBytes));
  }

  private static Optional<Assignment> onCpu(Ledger ledger, ReplicaId id) {
    return ledger.nodes().stream()
        .min(spreadOrder(id))
        .map(n -> new Assignment(n.address, n.cpuId));
  }

  /** Fewest replicas of the version, then fewest in total, then lowest address. */
  private static Comparator<Node> spreadOrder(ReplicaId id) {
    return Comparator.<Node>comparingInt(n -> n.versionCount(id))
        .thenComparingInt(n -> n.total)
        .thenComparing(n -> n.address);
  }

  private static List<Node> sortedNodes(Ledger ledger, Comparator<Node> order) {
    List<Node> sorted = new ArrayList<>(ledger.nodes());
    sorted.sort(order.thenComparing(n -> n.address));
    return sorted;
  }

  private static int spreadOf(Ledger ledger, ReplicaId sample) {
    int max = 0;
    int min = Integer.MAX_VALUE;
    for (Node n : ledger.nodes()) {
      max = Math.max(max, n.versionCount(sample));
      min = Math.min(min, n.versionCount(sample));
    }
    return max - min;
  }

  private static boolean accepts(DeviceKind kind, boolean gpu) {
    return switch (kind) {
      case AUTO -> true;
      case GPU -> gpu;
      case CPU -> !gpu;
    };
  }

  private static int kindRank(DeviceKind kind) {
    return switch (kind) {
      case GPU -> 0;
      case AUTO -> 1;
      case CPU -> 2;
    };
  }

  private static List<ReplicaId> sortedKeys(Map<ReplicaId, ?> map) {
    List<ReplicaId> keys = new ArrayList<>(map.keySet());
    keys.sort(Plan.REPLICA_ORDER);
    return keys;
  }

  private static String noGpuReason(Ledger ledger, ReplicaId id, long footprintBytes) {
    Optional<Map.Entry<Node, Gpu>> largest = ledger.largestFreeGpu();
    if (largest.isEmpty()) {
      return "no worker has a GPU for "
          + id
          + ", which needs "
          + formatBytes(footprintBytes)
          + " (none of the "
          + ledger.nodes().size()
          + " eligible workers has one)";
    }
    Gpu gpu = largest.get().getValue();
    return "no worker has a GPU with "
        + formatBytes(footprintBytes)
        + " free for "
        + id
        + " (largest free: "
        + formatBytes(Math.max(0, gpu.remainingBytes))
        + " on "
        + gpu.id
        + " of "
        + largest.get().getKey().address
        + ")";
  }

  private static String noWorkerReason(Ledger ledger, ReplicaId id) {
    return "no worker can host "
        + id
        + ": none of the "
        + ledger.listed()
        + " nodes in the directory is a worker that is not draining ("
        + ledger.drainingWorkers()
        + " draining)";
  }

  /** Bytes as users read them: "6.0 GiB", or "512.0 MiB" below a GiB. */
  static String formatBytes(long bytes) {
    return bytes >= GIB
        ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB)
        : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
  }
}
