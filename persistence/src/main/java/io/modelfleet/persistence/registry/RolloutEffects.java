package io.modelfleet.persistence.registry;

import io.modelfleet.persistence.registry.ModelEvent.RolloutEvent;
import io.modelfleet.persistence.registry.ModelEvent.RolloutFinished;
import io.modelfleet.persistence.registry.ModelEvent.RolloutPaused;
import io.modelfleet.persistence.registry.ModelEvent.RolloutResumed;
import io.modelfleet.persistence.registry.ModelEvent.RolloutRetired;
import io.modelfleet.persistence.registry.ModelEvent.RolloutStarted;
import io.modelfleet.persistence.registry.ModelEvent.RolloutStepStarted;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a rollout's events do to the model's state: the rollout's own record, and the routing they
 * imply. The split lives on the alias ({@link AliasTarget}: canary = candidate at the step's
 * percent, shadow = candidate at the configured percent), so every gateway routes a rollout exactly
 * as it routes any alias, from the registry's state:
 *
 * <pre>
 * event           rollout                         alias                      deployments
 * started         PROGRESSING, waiting for ready  created -> baseline if      + candidate's
 *                                                 absent, no split
 * step started    step i                          baseline, split i %
 * paused/resumed  PAUSED / PROGRESSING            split kept
 * finished        PROMOTED                        candidate (previous:
 *                                                 baseline), no split
 *                 ROLLED_BACK / ABORTED           baseline, no split
 * retired         retired                                                    - loser's
 * </pre>
 */
final class RolloutEffects {

  private RolloutEffects() {}

  static ModelState apply(ModelState s, RolloutEvent event) {
    if (event instanceof RolloutStarted e) {
      Rollout r = e.rollout();
      Map<String, DeploymentSpec> deployments = s.deployments();
      if (e.candidate() != null) {
        deployments = copy(deployments);
        deployments.put(e.candidate().version(), e.candidate());
      }
      Map<String, AliasTarget> aliases = s.aliases();
      if (e.aliasCreated()) {
        aliases = copy(aliases);
        aliases.put(r.spec().alias(), new AliasTarget(r.baseline(), null));
      }
      List<Rollout> rollouts = new ArrayList<>(s.rollouts());
      rollouts.add(r);
      return state(s, aliases, deployments, s.placements(), rollouts);
    }
    Rollout r = s.view().rollout(event.id()).orElse(null);
    if (r == null) {
      return s;
    }
    var at = event.meta().at();
    String why = event.meta().reason();
    if (event instanceof RolloutStepStarted e) {
      Rollout next = r.with(RolloutState.PROGRESSING, e.step(), at, null, why, false, e.numbers());
      int percent = e.percent();
      int shadow = r.spec().shadowPercent() > 0 && percent < 100 ? r.spec().shadowPercent() : 0;
      AliasTarget split =
          onBaseline(s, r)
              .withSplit(
                  percent > 0 ? r.spec().version() : null,
                  percent,
                  shadow > 0 ? r.spec().version() : null,
                  shadow);
      return replace(s, next, split);
    }
    if (event instanceof RolloutPaused e) {
      return replace(
          s,
          r.with(RolloutState.PAUSED, r.step(), r.stepStartedAt(), null, why, false, e.numbers()),
          null);
    }
    if (event instanceof RolloutResumed) {
      return replace(
          s, r.with(RolloutState.PROGRESSING, r.step(), at, null, why, false, r.decided()), null);
    }
    if (event instanceof RolloutFinished e) {
      Rollout next = r.with(e.outcome(), r.step(), r.stepStartedAt(), at, why, false, e.numbers());
      AliasTarget alias =
          e.outcome() == RolloutState.PROMOTED
              ? new AliasTarget(r.spec().version(), r.baseline())
              : onBaseline(s, r);
      return replace(s, next, alias);
    }
    RolloutRetired e = (RolloutRetired) event;
    Rollout next =
        r.with(
            r.state(), r.step(), r.stepStartedAt(), r.finishedAt(), r.reason(), true, r.decided());
    ModelState retired = replace(s, next, null);
    if (!e.removed()) {
      return retired;
    }
    Map<String, DeploymentSpec> deployments = copy(retired.deployments());
    deployments.remove(e.version());
    Map<String, ReplicaPlacement> placements = copy(retired.placements());
    placements.keySet().removeIf(id -> id.startsWith(s.name() + "/" + e.version() + "/"));
    return state(retired, retired.aliases(), deployments, placements, retired.rollouts());
  }

  /** The rollout's alias pointing at the baseline, without a split. */
  private static AliasTarget onBaseline(ModelState s, Rollout r) {
    AliasTarget now = s.aliases().get(r.spec().alias());
    if (now != null && now.version().equals(r.baseline())) {
      return new AliasTarget(now.version(), now.previous());
    }
    return new AliasTarget(r.baseline(), null);
  }

  /** {@code s} with {@code next} in place of its rollout and, unless null, the alias set. */
  private static ModelState replace(ModelState s, Rollout next, AliasTarget alias) {
    List<Rollout> rollouts = new ArrayList<>(s.rollouts());
    rollouts.replaceAll(r -> r.id().equals(next.id()) ? next : r);
    Map<String, AliasTarget> aliases = s.aliases();
    if (alias != null) {
      aliases = copy(aliases);
      aliases.put(next.spec().alias(), alias);
    }
    return state(s, aliases, s.deployments(), s.placements(), rollouts);
  }

  private static ModelState state(
      ModelState s,
      Map<String, AliasTarget> aliases,
      Map<String, DeploymentSpec> deployments,
      Map<String, ReplicaPlacement> placements,
      List<Rollout> rollouts) {
    // The constructor sorts and freezes the maps.
    return new ModelState(
        s.name(), s.versions(), deployments, placements, s.tenant(), aliases, rollouts);
  }

  private static <V> Map<String, V> copy(Map<String, V> m) {
    return new TreeMap<>(m);
  }
}
