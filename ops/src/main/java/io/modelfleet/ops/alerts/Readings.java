package io.modelfleet.ops.alerts;

import io.modelfleet.ops.alerts.drift.DriftReading;
import io.modelfleet.ops.window.WindowSnapshot;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Instant;
import java.util.List;

/**
 * Everything the rules read in one evaluation round, gathered by the node's evaluator.
 *
 * @param node this node's address (the {@code node} label of its own alerts)
 * @param windows the request windows of the model versions served here ({@code ModelWindows})
 * @param queues the queue peaks of the model versions served here
 * @param drift the outputs with a reference and enough values in their window
 * @param devices this node's devices as it last published them (only GPUs are read)
 * @param clusterRules whether this node evaluates the cluster rules (it is the leader)
 * @param replicas the replica directory (read only when {@code clusterRules})
 * @param members members in trouble (only when {@code clusterRules})
 */
public record Readings(
    Instant now,
    String node,
    List<WindowSnapshot> windows,
    List<QueueReading> queues,
    List<DriftReading> drift,
    List<DeviceInfo> devices,
    boolean clusterRules,
    List<ReplicaInfo> replicas,
    List<MemberProblem> members) {

  public Readings {
    windows = List.copyOf(windows);
    queues = List.copyOf(queues);
    drift = List.copyOf(drift);
    devices = List.copyOf(devices);
    replicas = List.copyOf(replicas);
    members = List.copyOf(members);
  }
}
