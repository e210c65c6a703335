package io.modelfleet.protocol.alerts;

import io.modelfleet.protocol.FleetSerializable;
import java.util.Map;

/**
 * One alert as the node that evaluates it publishes it in the cluster's alert map ({@link
 * io.modelfleet.protocol.cluster.ClusterKeys#ALERTS}), and as {@code GET /v1/alerts} shows it.
 *
 * @param name the rule's alert name ({@code ModelFleetModelLatencyHigh}); also the {@code
 *     alertname} label
 * @param state "pending" (the condition holds, for less than the rule's {@code for}) or "firing"
 * @param activeAtMillis when the condition started to hold (epoch milliseconds)
 * @param sinceMillis when it started firing; equal to {@code activeAtMillis} while pending
 * @param labels what identifies it (alertname, severity, model, version, node, ...), as
 *     Alertmanager sees them
 * @param annotations summary and description for people, and the numbers that decided it
 * @param value the reading the rule compared (p99 seconds, a ratio, a PSI, 1 for yes/no rules)
 * @param node the address of the node that evaluates it
 */
public record AlertInfo(
    String name,
    String severity,
    String state,
    long activeAtMillis,
    long sinceMillis,
    Map<String, String> labels,
    Map<String, String> annotations,
    double value,
    String node)
    implements FleetSerializable {

  public static final String PENDING = "pending";
  public static final String FIRING = "firing";

  public AlertInfo {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public boolean firing() {
    return FIRING.equals(state);
  }
}
