package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of the replica directory, indexed the way requests read it: by model, then
 * version, with the READY replicas and the ready versions precomputed. Built once per directory
 * change, then read by every request without locks or asks.
 *
 * <p>The directory also lists LOADING, FAILED and DRAINING replicas: they are kept (for readiness
 * messages and the management API) but never routed to.
 *
 * <p>Entries of nodes that are no longer cluster members are left out altogether (see {@link
 * #of(Collection, Set)}): a node that crashed cannot remove its replicas' entries, and they linger
 * in the directory until someone does. Kept, they would be routed to (and every request would wait
 * for its deadline) and counted as READY by the readiness endpoints.
 */
public final class RoutingTable {

  // Before EMPTY: building it reads BY_ID.
  private static final Comparator<ReplicaInfo> BY_ID = Comparator.comparing(ReplicaInfo::replicaId);

  public static final RoutingTable EMPTY = of(List.of());

  private final Map<String, ModelEntry> models;
  private final List<ReplicaInfo> all;
  private final Set<String> replicaIds;
  private final Map<String, Integer> countByNode;
  private final int leftOut;

  private RoutingTable(
      Map<String, ModelEntry> models,
      List<ReplicaInfo> all,
      Set<String> replicaIds,
      Map<String, Integer> countByNode,
      int leftOut) {
    this.models = models;
    this.all = all;
    this.replicaIds = replicaIds;
    this.countByNode = countByNode;
    this.leftOut = leftOut;
  }

  /** Every entry, unfiltered: for callers that do not know the membership (and for tests). */
  public static RoutingTable of(Collection<ReplicaInfo> replicas) {
    return of(replicas, null);
  }

  /**
   * The table of the entries whose node is in {@code memberNodes}, the addresses ({@code
   * Address.toString()}) of the current cluster members that are neither Down nor Removed. Entries
   * without a node are kept: nothing says their node is gone. {@code null} means the membership is
   * not known yet and keeps every entry, so that a gateway whose cluster subscription has not
   * delivered yet is no worse off than without the filter.
   */
  public static RoutingTable of(Collection<ReplicaInfo> entries, Set<String> memberNodes) {
    List<ReplicaInfo> replicas =
        memberNodes == null
            ? List.copyOf(entries)
            : entries.stream()
                .filter(r -> r.node() == null || memberNodes.contains(r.node()))
                .toList();
    Map<String, List<ReplicaInfo>> byModel =
        replicas.stream().collect(Collectors.groupingBy(ReplicaInfo::model));
    Map<String, ModelEntry> models = new HashMap<>();
    byModel.forEach((model, list) -> models.put(model, ModelEntry.of(list)));
    Set<String> ids =
        replicas.stream().map(ReplicaInfo::replicaId).collect(Collectors.toUnmodifiableSet());
    Map<String, Integer> byNode = new HashMap<>();
    for (ReplicaInfo r : replicas) {
      if (r.node() != null) {
        byNode.merge(r.node(), 1, Integer::sum);
      }
    }
    return new RoutingTable(
        Map.copyOf(models),
        replicas.stream().sorted(BY_ID).toList(),
        ids,
        Map.copyOf(byNode),
        entries.size() - replicas.size());
  }

  /** Every replica in the table, sorted by replica id. */
  public List<ReplicaInfo> all() {
    return all;
  }

  /** How many replicas (in any state) the table places on {@code node} (an address string). */
  public int countOnNode(String node) {
    return countByNode.getOrDefault(node, 0);
  }

  /** How many directory entries were left out because their node is not a member. */
  public int leftOut() {
    return leftOut;
  }

  /** Every replica of {@code model}, sorted by replica id. */
  public List<ReplicaInfo> replicas(String model) {
    ModelEntry e = models.get(model);
    return e == null ? List.of() : e.all;
  }

  /** Every replica of one version, sorted by replica id. */
  public List<ReplicaInfo> replicas(String model, String version) {
    ModelEntry e = models.get(model);
    return e == null ? List.of() : e.byVersion.getOrDefault(version, List.of());
  }

  /** The READY replicas of one version: the only ones a request may be sent to. */
  public List<ReplicaInfo> ready(String model, String version) {
    ModelEntry e = models.get(model);
    return e == null ? List.of() : e.readyByVersion.getOrDefault(version, List.of());
  }

  /** True when {@code version} of {@code model} has a READY replica. */
  public boolean isReady(String model, String version) {
    return !ready(model, version).isEmpty();
  }

  public int readyCount(String model) {
    ModelEntry e = models.get(model);
    return e == null ? 0 : e.readyCount;
  }

  /**
   * The version a request without one is served by: the highest (in {@link ModelView.VersionOrder})
   * that has a READY replica, or null when none has.
   */
  public String defaultVersion(String model) {
    ModelEntry e = models.get(model);
    return e == null ? null : e.highestReadyVersion;
  }

  public Set<String> replicaIds() {
    return replicaIds;
  }

  /**
   * A short account of why nothing is READY, for 503 messages: "2 LOADING, 1 FAILED: reason", or
   * "no replicas" when the list is empty.
   */
  public static String summary(List<ReplicaInfo> replicas) {
    if (replicas.isEmpty()) {
      return "no replicas";
    }
    Map<ReplicaState, Integer> counts = new EnumMap<>(ReplicaState.class);
    String failure = null;
    for (ReplicaInfo r : replicas) {
      counts.merge(r.state(), 1, Integer::sum);
      if (r.state() == ReplicaState.FAILED && failure == null && r.reason() != null) {
        failure = r.reason();
      }
    }
    List<String> parts = new ArrayList<>();
    for (var c : counts.entrySet()) {
      String part = c.getValue() + " " + c.getKey();
      if (c.getKey() == ReplicaState.FAILED && failure != null) {
        part += ": " + failure;
      }
      parts.add(part);
    }
    return String.join(", ", parts);
  }

  private static final class ModelEntry {
    final List<ReplicaInfo> all;
    final Map<String, List<ReplicaInfo>> byVersion;
    final Map<String, List<ReplicaInfo>> readyByVersion;
    final String highestReadyVersion;
    final int readyCount;

    private ModelEntry(
        List<ReplicaInfo> all,
        Map<String, List<ReplicaInfo>> byVersion,
        Map<String, List<ReplicaInfo>> readyByVersion,
        String highestReadyVersion,
        int readyCount) {
      this.all = all;
      this.byVersion = byVersion;
      this.readyByVersion = readyByVersion;
      this.highestReadyVersion = highestReadyVersion;
      this.readyCount = readyCount;
    }

    static ModelEntry of(List<ReplicaInfo> replicas) {
      List<ReplicaInfo> all = replicas.stream().sorted(BY_ID).toList();
      Map<String, List<ReplicaInfo>> byVersion = new TreeMap<>(ModelView.VersionOrder.INSTANCE);
      TreeMap<String, List<ReplicaInfo>> ready = new TreeMap<>(ModelView.VersionOrder.INSTANCE);
      for (ReplicaInfo r : all) {
        byVersion.computeIfAbsent(r.version(), v -> new ArrayList<>()).add(r);
        if (r.ready()) {
          ready.computeIfAbsent(r.version(), v -> new ArrayList<>()).add(r);
        }
      }
      int readyCount = ready.values().stream().mapToInt(List::size).sum();
      String highest = ready.isEmpty() ? null : ready.lastKey();
      return new ModelEntry(all, freeze(byVersion), freeze(ready), highest, readyCount);
    }

    private static Map<String, List<ReplicaInfo>> freeze(Map<String, List<ReplicaInfo>> m) {
      Map<String, List<ReplicaInfo>> out = new HashMap<>();
      m.forEach((k, v) -> out.put(k, List.copyOf(v)));
      return Map.copyOf(out);
    }
  }
}
