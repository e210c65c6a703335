package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutState;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events of the model registry entity. The journal of these events is the model's version history
 * and its audit trail at once: {@link #toHistory} is what {@code GET /v1/models/{m}/history} shows.
 */
public sealed interface ModelEvent extends FleetSerializable {

  /** Tag on every event, so the deployment controller can follow all models in one stream. */
  String TAG = "model";

  EventMeta meta();

  record VersionRegistered(VersionInfo version, EventMeta meta) implements ModelEvent {}

  record DeploymentSet(DeploymentSpec spec, EventMeta meta) implements ModelEvent {}

  record DeploymentRemoved(String version, EventMeta meta) implements ModelEvent {}

  /**
   * The autoscaled deployment of {@code version} went from {@code from} to {@code to} replicas; the
   * meta's reason has the numbers behind the decision. Everything else in the deployment stays.
   */
  record DeploymentScaled(String version, int from, int to, EventMeta meta) implements ModelEvent {}

  record ReplicaPlaced(ReplicaPlacement placement, EventMeta meta) implements ModelEvent {}

  /**
   * {@code alias} now points at {@code version}; {@code previous} is the version that served the
   * alias when it was set (null when none did) and keeps serving until {@code version} is warm.
   */
  record AliasSet(
      String alias,
      String version,
      String previous,
      String canary,
      int canaryPercent,
      String shadow,
      int shadowPercent,
      EventMeta meta)
      implements ModelEvent {

    /** Without a split, as every AliasSet written before splits existed reads back (null and 0). */
    public AliasSet(String alias, String version, String previous, EventMeta meta) {
      this(alias, version, previous, null, 0, null, 0, meta);
    }

    /** The alias's target and split this event sets. */
    public AliasTarget target() {
      return new AliasTarget(version, previous, canary, canaryPercent, shadow, shadowPercent);
    }
  }

  record AliasRemoved(String alias, EventMeta meta) implements ModelEvent {}

  /**
   * {@code version} now carries {@code samples} as its stability checks (empty: none); see {@link
   * ValidationSample}.
   */
  record ValidationSet(String version, List<ValidationSample> samples, EventMeta meta)
      implements ModelEvent {
    public ValidationSet {
      samples = samples == null ? List.of() : List.copyOf(samples);
    }
  }

  /**
   * A replica of {@code version} failed the version's validation samples; the reason is in the
   * meta. Changes nothing in the state and carries no {@link #TAG} (nothing for the controller).
   */
  record ValidationFailed(String version, String replica, EventMeta meta) implements ModelEvent {}

  /**
   * An alert about the model started firing or was resolved (see {@code ModelCommand.RecordAlert});
   * changes nothing in the model's state, and carries no {@link #TAG}: the deployment controller,
   * which follows the tag, has nothing to do about it.
   */
  record AlertChanged(
      String alert, String status, String severity, Map<String, String> labels, EventMeta meta)
      implements ModelEvent {}

  /**
   * The events of a rollout (see {@code Rollouts}), each about the model's rollout {@code id()}.
   */
  sealed interface RolloutEvent extends ModelEvent {
    String id();
  }

  /**
   * A rollout began: recorded with the candidate's deployment it adds (null: the candidate's
   * deployment is kept as it is) and whether it creates its alias, pointing at the baseline.
   */
  record RolloutStarted(
      Rollout rollout, DeploymentSpec candidate, boolean aliasCreated, EventMeta meta)
      implements RolloutEvent {
    @Override
    public String id() {
      return rollout.id();
    }
  }

  /** Step {@code step} began (the candidate was Ready, or the step before passed its analysis). */
  record RolloutStepStarted(String id, int step, int percent, RolloutWindow numbers, EventMeta meta)
      implements RolloutEvent {}

  record RolloutPaused(String id, RolloutWindow numbers, EventMeta meta) implements RolloutEvent {}

  /** The rollout goes on; its current step's clock starts again. */
  record RolloutResumed(String id, EventMeta meta) implements RolloutEvent {}

  /** PROMOTED, ROLLED_BACK or ABORTED, with the numbers that decided it (null: none). */
  record RolloutFinished(String id, RolloutState outcome, RolloutWindow numbers, EventMeta meta)
      implements RolloutEvent {}

  /**
   * The losing {@code version}'s deployment was removed after the retire delay ({@code removed}
   * false: it was kept, because another alias points at it or it has none).
   */
  record RolloutRetired(String id, String version, boolean removed, EventMeta meta)
      implements RolloutEvent {}

  default HistoryEntry toHistory(long sequenceNr) {
    Map<String, Object> details = new LinkedHashMap<>();
    String name;
    if (this instanceof VersionRegistered e) {
      name = "VersionRegistered";
      details.put("version", e.version().version());
      details.put("digest", e.version().digest());
      details.put("size", e.version().size());
    } else if (this instanceof DeploymentSet e) {
      name = "DeploymentSet";
      details.put("version", e.spec().version());
      details.put("replicas", e.spec().replicas());
      details.put("device", e.spec().device().wireName());
      if (!e.spec().warmup().isEmpty()) {
        details.put("model_warmup", e.spec().warmup().stream().map(w -> w.name()).toList());
      }
      if (e.spec().responseCache().enable()) {
        details.put("response_cache", true);
      }
      if (e.spec().autoscaled()) {
        details.put("autoscaling", Scaling.details(e.spec().autoscaling()));
      }
    } else if (this instanceof DeploymentScaled e) {
      name = "DeploymentScaled";
      details.put("version", e.version());
      details.put("from", e.from());
      details.put("to", e.to());
    } else if (this instanceof DeploymentRemoved e) {
      name = "DeploymentRemoved";
      details.put("version", e.version());
    } else if (this instanceof AliasSet e) {
      name = "AliasSet";
      details.put("alias", e.alias());
      details.put("version", e.version());
      if (e.previous() != null) {
        details.put("previous", e.previous());
      }
      if (e.canary() != null) {
        details.put("canary", e.canary());
        details.put("canary_percent", e.canaryPercent());
      }
      if (e.shadow() != null) {
        details.put("shadow", e.shadow());
        details.put("shadow_percent", e.shadowPercent());
      }
    } else if (this instanceof AliasRemoved e) {
      name = "AliasRemoved";
      details.put("alias", e.alias());
    } else if (this instanceof ValidationSet e) {
      name = "ValidationSet";
      details.put("version", e.version());
      details.put("samples", e.samples().stream().map(ValidationSample::name).toList());
    } else if (this instanceof ValidationFailed e) {
      name = "ValidationFailed";
      details.put("version", e.version());
      details.put("replica", e.replica());
    } else if (this instanceof RolloutEvent e) {
      name = RolloutHistory.details(e, details);
    } else if (this instanceof AlertChanged e) {
      name = "AlertChanged";
      details.put("alert", e.alert());
      details.put("status", e.status());
      details.put("severity", e.severity());
      details.put("labels", new TreeMap<>(e.labels()));
    } else {
      ReplicaPlaced e = (ReplicaPlaced) this;
      name = "ReplicaPlaced";
      details.put("replica", e.placement().replicaId());
      details.put("node", e.placement().node());
      details.put("device", e.placement().device());
    }
    EventMeta m = meta();
    return new HistoryEntry(
        sequenceNr, m.at(), name, m.principal(), m.requestId(), m.reason(), details);
  }
}
