package io.modelfleet.protocol.model;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.rollout.RolloutWindow;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Commands of the model registry entity: one event-sourced entity per model name, whose journal is
 * both the version history and the audit trail. Every command answers.
 */
public sealed interface ModelCommand extends FleetSerializable {

  EntityTypeKey<ModelCommand> TYPE_KEY = EntityTypeKey.create(ModelCommand.class, "Model");

  /** Registers a version whose artifact is already in the store. Same digest again is a no-op. */
  record RegisterVersion(
      String version,
      String digest,
      long size,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      RequestMeta meta,
      ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /** Sets the desired deployment of one version (replicas 0 removes it). */
  record Deploy(DeploymentSpec spec, RequestMeta meta, ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /**
   * Changes the replica count of the autoscaled deployment of {@code version} from {@code from} to
   * {@code to} (the autoscaler's decisions, and a gateway's scale-up from zero); {@code meta}'s
   * reason carries the numbers behind it. Applied only while the deployment still has {@code from}
   * replicas and is autoscaled, so a decision made on an older view, or the same scale-up sent by
   * several gateways, changes nothing; {@code to} must lie within the deployment's bounds.
   */
  record Scale(String version, int from, int to, RequestMeta meta, ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /** Removes the deployment of one version, or of every version when {@code version} is null. */
  record Undeploy(String version, RequestMeta meta, ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /** A replica reports where it was started; recorded only when node or device changed. */
  record RecordPlacement(ReplicaPlacement placement, ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /**
   * An alert about the model started firing or was resolved ({@code status} "firing" or
   * "resolved"), sent by the node's alert evaluator only on such a transition; recorded in the
   * model's history with principal {@code modelfleet-alerts} and, as reason, the numbers that
   * decided it. {@code labels} identify the alert (alertname, severity, version, node, ...).
   */
  record RecordAlert(
      String alert,
      String status,
      String severity,
      Map<String, String> labels,
      RequestMeta meta,
      ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /**
   * Points {@code alias} at the registered {@code version}; {@code previous} is the version that
   * serves the alias now as the gateway sees it (null when none), which keeps serving until {@code
   * version} is warm. {@code canary}/{@code shadow} (null: none) set the alias's traffic split with
   * their percentages (see {@link AliasTarget}); they replace any split the alias had. Setting the
   * same target and split again is a no-op.
   */
  record SetAlias(
      String alias,
      String version,
      String previous,
      String canary,
      int canaryPercent,
      String shadow,
      int shadowPercent,
      RequestMeta meta,
      ActorRef<ModelReply> replyTo)
      implements ModelCommand {

    /** Without a split. */
    public SetAlias(
        String alias,
        String version,
        String previous,
        RequestMeta meta,
        ActorRef<ModelReply> replyTo) {
      this(alias, version, previous, null, 0, null, 0, meta, replyTo);
    }
  }

  /** Removes {@code alias}; NOT_FOUND when there is no such alias. */
  record RemoveAlias(String alias, RequestMeta meta, ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /**
   * Sets the stability checks of the registered {@code version} (an empty list removes them).
   * Replicas loaded afterwards run them before they report READY; replicas already serving are not
   * checked again. Setting the same samples again is a no-op.
   */
  record SetValidation(
      String version,
      List<ValidationSample> samples,
      RequestMeta meta,
      ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /**
   * A replica of {@code version} failed the version's validation samples ({@code reason}: the
   * sample, output, element and values); recorded in the model's history with principal {@code
   * modelfleet-validation}, and changes nothing in the model's state. Sent once per replica start,
   * not on every retry.
   */
  record RecordValidationFailure(
      String version, String replica, String reason, ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /**
   * Starts a rollout of {@code spec} (see {@code Rollouts} in the registry); {@code servingNow} is
   * the version the unversioned route serves as the gateway sees it, the baseline when the alias
   * does not exist yet. Answers the model with the new rollout first in its list.
   */
  record StartRollout(
      RolloutSpec spec, String servingNow, RequestMeta meta, ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  /**
   * Changes rollout {@code id}: a person's pause, resume, promote or abort ({@code step} {@link
   * RolloutChange#ANY_STEP}), or the rollout controller's decision about {@code step} (a stale one,
   * about a step the rollout has left, is a no-op answered with the model). {@code numbers}: the
   * window the decision was taken on (null: none).
   */
  record ChangeRollout(
      String id,
      RolloutChange change,
      int step,
      RolloutWindow numbers,
      RequestMeta meta,
      ActorRef<ModelReply> replyTo)
      implements ModelCommand {}

  record GetModel(ActorRef<ModelReply> replyTo) implements ModelCommand {}
}
