package io.modelfleet.persistence.registry;

import io.modelfleet.persistence.registry.ModelEvent.RolloutFinished;
import io.modelfleet.persistence.registry.ModelEvent.RolloutPaused;
import io.modelfleet.persistence.registry.ModelEvent.RolloutResumed;
import io.modelfleet.persistence.registry.ModelEvent.RolloutRetired;
import io.modelfleet.persistence.registry.ModelEvent.RolloutStarted;
import io.modelfleet.persistence.registry.ModelEvent.RolloutStepStarted;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand.ChangeRollout;
import io.modelfleet.protocol.model.ModelCommand.StartRollout;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelReply.Rejected;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.rollout.RolloutState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The registry's rollout commands. A rollout is part of its model's state, so starting one, each
 * step, a pause and the end are events of the model's journal, and the alias's traffic split is
 * what those events make it (see {@link RolloutEffects}). A person's change of a rollout that its
 * state does not allow is refused (CONFLICT); the controller's decision about a step the rollout
 * has left is a no-op answered with the model, so a retried or late decision changes nothing.
 */
final class Rollouts {

  /** Principal of the rollout controller's decisions in the history. */
  static final String CONTROLLER = "modelfleet-rollouts";

  private Rollouts() {}

  static ReplyEffect<ModelEvent, ModelState> start(
      ModelEntity entity, ModelState s, StartRollout c) {
    var effect = entity.effects();
    RolloutSpec spec = c.spec();
    if (!s.view().exists()) {
      return effect.reply(c.replyTo(), entity.notFound(s, null));
    }
    String problem = Names.versionProblem("alias", spec.alias());
    if (problem != null) {
      return effect.reply(c.replyTo(), new Rejected(Rejected.Kind.INVALID, problem));
    }
    if (spec.version() == null || !s.versions().containsKey(spec.version())) {
      return effect.reply(c.replyTo(), entity.notFound(s, spec.version()));
    }
    if (s.versions().containsKey(spec.alias())) {
      return effect.reply(c.replyTo(), conflict("alias '" + spec.alias() + "' is a version name"));
    }
    var active = s.view().activeRollout();
    if (active.isPresent()) {
      Rollout r = active.get();
      return effect.reply(
          c.replyTo(),
          conflict(
              "model '"
                  + s.name()
                  + "' already has an active rollout "
                  + r.id()
                  + " (version "
                  + r.spec().version()
                  + ", "
                  + r.state()
                  + ", "
                  + r.phase()
                  + "); promote or abort it first"));
    }
    AliasTarget alias = s.aliases().get(spec.alias());
    String baseline =
        c.servingNow() != null ? c.servingNow() : alias == null ? null : alias.version();
    if (alias == null && !"stable".equals(spec.alias())) {
      return effect.reply(
          c.replyTo(),
          new Rejected(
              Rejected.Kind.NOT_FOUND,
              "model '"
                  + s.name()
                  + "' has no alias '"
                  + spec.alias()
                  + "'; aliases: "
                  + s.aliases().keySet()));
    }
    if (baseline == null || !s.versions().containsKey(baseline)) {
      return effect.reply(
          c.replyTo(),
          conflict(
              "no version of model '"
                  + s.name()
                  + "' serves '"
                  + spec.alias()
                  + "' now (none has a Ready replica); deploy one first"));
    }
    if (baseline.equals(spec.version())) {
      return effect.reply(
          c.replyTo(),
          conflict(
              "version '"
                  + baseline
                  + "' already serves '"
                  + spec.alias()
                  + "' (it is the baseline); roll out another version"));
    }
    String mismatch =
        RolloutSignatures.problem(s.versions().get(baseline), s.versions().get(spec.version()));
    if (mismatch != null) {
      return effect.reply(c.replyTo(), conflict(mismatch));
    }
    DeploymentSpec base = s.deployments().get(baseline);
    DeploymentSpec existing = s.deployments().get(spec.version());
    int replicas =
        spec.replicas() > 0 ? spec.replicas() : base == null ? 1 : Math.max(1, base.replicas());
    DeploymentSpec candidate;
    if (existing != null && spec.replicas() <= 0) {
      candidate = null;
      replicas = existing.replicas();
    } else if (base != null) {
      candidate = base.withVersion(spec.version()).withReplicas(replicas);
    } else {
      candidate = new DeploymentSpec(spec.version(), replicas, DeviceKind.AUTO);
    }
    if (candidate != null && candidate.equals(existing)) {
      candidate = null;
    }
    RolloutSpec resolved =
        new RolloutSpec(
            spec.version(),
            spec.alias(),
            spec.strategy(),
            spec.steps(),
            replicas,
            spec.analysis(),
            spec.shadowPercent());
    Instant now = Instant.now();
    Rollout rollout =
        new Rollout(
            Integer.toString(s.rollouts().size() + 1),
            resolved,
            baseline,
            RolloutState.PROGRESSING,
            -1,
            now,
            now,
            null,
            "waiting for the candidate's replicas to be Ready",
            false,
            null);
    var meta = EventMeta.of(c.meta());
    return effect
        .persist(new RolloutStarted(rollout, candidate, alias == null, meta))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  static ReplyEffect<ModelEvent, ModelState> change(
      ModelEntity entity, ModelState s, ChangeRollout c) {
    var effect = entity.effects();
    if (!s.view().exists()) {
      return effect.reply(c.replyTo(), entity.notFound(s, null));
    }
    Rollout r = s.view().rollout(c.id()).orElse(null);
    if (r == null) {
      return effect.reply(
          c.replyTo(),
          new Rejected(
              Rejected.Kind.NOT_FOUND,
              "model '"
                  + s.name()
                  + "' has no rollout '"
                  + c.id()
                  + "'; rollouts: "
                  + s.rollouts().stream().map(Rollout::id).toList()));
    }
    boolean person = c.step() == RolloutChange.ANY_STEP;
    var meta = EventMeta.of(c.meta());
    String refused = refusal(r, c.change(), person);
    if (refused != null) {
      return person
          ? effect.reply(c.replyTo(), conflict("rollout " + r.id() + " " + refused))
          : effect.reply(c.replyTo(), new ModelReply.Current(s.view()));
    }
    if (!person && c.change() != RolloutChange.RETIRE && c.step() != r.step()) {
      // A decision about a step the rollout has left: taken already, or overtaken.
      return effect.reply(c.replyTo(), new ModelReply.Current(s.view()));
    }
    ModelEvent event =
        switch (c.change()) {
          case PAUSE -> new RolloutPaused(r.id(), c.numbers(), meta);
          case RESUME -> new RolloutResumed(r.id(), meta);
          case ADVANCE ->
              new RolloutStepStarted(
                  r.id(),
                  r.step() + 1,
                  r.spec().steps().get(r.step() + 1).percent(),
                  c.numbers(),
                  meta);
          case PROMOTE -> new RolloutFinished(r.id(), RolloutState.PROMOTED, c.numbers(), meta);
          case ROLL_BACK ->
              new RolloutFinished(r.id(), RolloutState.ROLLED_BACK, c.numbers(), meta);
          case ABORT -> new RolloutFinished(r.id(), RolloutState.ABORTED, c.numbers(), meta);
          case RETIRE -> new RolloutRetired(r.id(), r.loser(), removable(s, r), meta);
        };
    return effect.persist(event).thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  /** Why {@code change} cannot apply to {@code r} now, or null when it can. */
  private static String refusal(Rollout r, RolloutChange change, boolean person) {
    RolloutState state = r.state();
    return switch (change) {
      case PAUSE -> state == RolloutState.PROGRESSING ? null : "is " + state + ", not PROGRESSING";
      case RESUME -> state == RolloutState.PAUSED ? null : "is " + state + ", not PAUSED";
      case PROMOTE, ABORT ->
          state.active() && (person || state == RolloutState.PROGRESSING)
              ? null
              : "is " + state + " already";
      case ROLL_BACK -> state == RolloutState.PROGRESSING ? null : "is " + state;
      case ADVANCE ->
          state == RolloutState.PROGRESSING && r.step() + 1 < r.spec().steps().size()
              ? null
              : "cannot advance from " + r.phase();
      case RETIRE -> !state.active() && !r.retired() ? null : "has nothing to retire";
    };
  }

  /**
   * Whether the losing version's deployment may go: it has one, and no other alias (nor this one,
   * once rolled back) still points at it.
   */
  private static boolean removable(ModelState s, Rollout r) {
    String loser = r.loser();
    if (!s.deployments().containsKey(loser)) {
      return false;
    }
    for (Map.Entry<String, AliasTarget> a : s.aliases().entrySet()) {
      boolean ours = a.getKey().equals(r.spec().alias());
      AliasTarget t = a.getValue();
      if (loser.equals(t.version()) || (!ours && loser.equals(t.previous()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * CONFLICT when removing the deployments of {@code versions} would pull the baseline or the
   * candidate of an active rollout from under it, else null.
   */
  static Rejected blocksUndeploy(ModelState s, List<String> versions) {
    var active = s.view().activeRollout();
    if (active.isEmpty()) {
      return null;
    }
    Rollout r = active.get();
    for (String v : versions) {
      if (v.equals(r.baseline()) || v.equals(r.spec().version())) {
        return conflict(
            "version '"
                + v
                + "' is in rollout "
                + r.id()
                + " (version "
                + r.spec().version()
                + " replacing "
                + r.baseline()
                + "); promote or abort the rollout first");
      }
    }
    return null;
  }

  private static Rejected conflict(String why) {
    return new Rejected(Rejected.Kind.CONFLICT, why);
  }
}
