package io.modelfleet.node.placement;

import io.modelfleet.protocol.replica.ReplicaId;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of one placement pass. Every desired replica is in exactly one of {@code assignments}
 * (kept where it was, or newly placed) and {@code pending} (with a sentence saying why it fits
 * nowhere); none is dropped silently.
 *
 * <p>{@code displaced} holds the previous assignment of each replica whose current place could not
 * be kept (its node is draining or gone, its device vanished, or its deployment now asks for
 * another kind of device). If such a replica is also in {@code assignments}, the controller starts
 * the new copy and retires the old one once the new one is Ready; if it is pending, the old copy
 * (when still alive) is the only one there is.
 *
 * <p>All three maps are sorted by model, version and index, so two plans of the same input are
 * equal and print the same.
 */
public record Plan(
    Map<ReplicaId, Assignment> assignments,
    Map<ReplicaId, String> pending,
    Map<ReplicaId, Assignment> displaced) {

  /** The order of replicas in a plan: model, then version, then index. */
  public static final Comparator<ReplicaId> REPLICA_ORDER =
      Comparator.comparing(ReplicaId::model)
          .thenComparing(ReplicaId::version)
          .thenComparingInt(ReplicaId::index);

  public Plan {
    assignments = sorted(assignments);
    pending = sorted(pending);
    displaced = sorted(displaced);
  }

  private static <V> SortedMap<ReplicaId, V> sorted(Map<ReplicaId, V> map) {
    TreeMap<ReplicaId, V> copy = new TreeMap<>(REPLICA_ORDER);
    copy.putAll(map);
    return Collections.unmodifiableSortedMap(copy);
  }
}
