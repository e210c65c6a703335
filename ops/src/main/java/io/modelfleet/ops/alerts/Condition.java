package io.modelfleet.ops.alerts;

import io.modelfleet.ops.alerts.notify.Fingerprint;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One rule's reading about one subject (a model version on this node, a GPU, a replica, a member)
 * in one evaluation round, whether or not it breaks the rule: the {@link Evaluator} turns a series
 * of them into pending, firing and resolved alerts.
 *
 * @param name the alert name, also the {@code alertname} label
 * @param scope whose the alert is: this node's ({@link Scope#NODE}) or the cluster's, evaluated by
 *     the leader only ({@link Scope#CLUSTER})
 * @param forDuration how long {@code active} must hold before the alert fires
 * @param labels what identifies the alert, {@code alertname} and {@code severity} included
 * @param active whether the rule is broken now
 * @param value the number the rule compared
 * @param summary one line for people
 * @param reason the numbers that decided it, for the history and the notification
 */
public record Condition(
    String name,
    Scope scope,
    Duration forDuration,
    String severity,
    SortedMap<String, String> labels,
    boolean active,
    double value,
    String summary,
    String reason) {

  /** Who evaluates an alert. */
  public enum Scope {
    /** Every node, for the model versions it serves and its own devices. */
    NODE,
    /** The cluster's leader only, for the whole cluster. */
    CLUSTER
  }

  public Condition {
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  /**
   * A condition of {@code rule} named {@code name} about the subject {@code subject} (labels
   * without alertname and severity, which are added).
   */
  public static Condition of(
      String name,
      Scope scope,
      Rule rule,
      Map<String, String> subject,
      boolean active,
      double value,
      String summary,
      String reason) {
    TreeMap<String, String> labels = new TreeMap<>(subject);
    labels.put("alertname", name);
    labels.put("severity", rule.severity());
    return new Condition(
        name, scope, rule.forDuration(), rule.severity(), labels, active, value, summary, reason);
  }

  /** The alert's identity: Alertmanager's fingerprint of its labels. */
  public String key() {
    return Fingerprint.of(labels);
  }
}
