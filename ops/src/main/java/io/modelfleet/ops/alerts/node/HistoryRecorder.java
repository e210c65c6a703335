package io.modelfleet.ops.alerts.node;

import io.modelfleet.ops.alerts.Condition;
import io.modelfleet.ops.alerts.Transition;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.RequestMeta;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the transitions of alerts about a model (those with a {@code model} label) in that
 * model's event-sourced history, through the registry entity's sharding: one {@code RecordAlert}
 * per transition, never per round, so the journal grows only when something changes. Principal
 * {@value #PRINCIPAL}; the reason holds the numbers that decided it. Alerts about nodes and GPUs
 * have no history entity: their transitions are log lines of {@link AlertEvaluator} and entries in
 * the alert map.
 */
final class HistoryRecorder {
  static final String PRINCIPAL = "modelfleet-alerts";

  /** How long the registry may take to persist one transition before a warning is logged. */
  private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);

  private final ActorSystem<?> system;

  HistoryRecorder(ActorSystem<?> system) {
    this.system = system;
  }

  void record(Transition t, String node) {
    Condition c = t.alert().condition();
    String model = c.labels().get("model");
    if (model == null) {
      return;
    }
    String reason = t.kind().status() + ": " + c.reason() + " (evaluated on " + node + ")";
    RequestMeta meta = new RequestMeta(PRINCIPAL, null, reason);
    try {
      ClusterSharding.get(system)
          .entityRefFor(ModelCommand.TYPE_KEY, model)
          .<ModelReply>ask(
              replyTo ->
                  new ModelCommand.RecordAlert(
                      c.name(), t.kind().status(), c.severity(), c.labels(), meta, replyTo),
              RECORD_TIMEOUT)
          .whenComplete(
              (reply, failure) -> {
                if (failure != null) {
                  log.warn(
                      "Alert {} {} for model {} not recorded in its history: {}",
                      c.name(),
                      t.kind().status(),
                      model,
                      failure.toString());
                } else if (reply instanceof ModelReply.Rejected r) {
                  log.info(
                      "Alert {} {} for model {} not recorded: {}",
                      c.name(),
                      t.kind().status(),
                      model,
                      r.error());
                }
              });
    } catch (RuntimeException e) {
      // Sharding of the registry is not started on this node (yet).
      log.warn("Alert {} for model {} not recorded: {}", c.name(), model, e.toString());
    }
  }
}
