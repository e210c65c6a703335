package io.modelfleet.persistence.registry;

import io.modelfleet.persistence.registry.ModelEvent.DeploymentScaled;
import io.modelfleet.protocol.model.AutoscalingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelCommand.Scale;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelReply.Rejected;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The registry's side of autoscaling: the checks on a deployment's {@code autoscaling} settings,
 * and the {@link Scale} command, which changes only the replica count of an autoscaled deployment
 * and only from the count its sender saw (a compare-and-set), so that a decision made on an older
 * view, or the same scale-up from zero sent by several gateways at once, is a no-op.
 */
final class Scaling {

  private Scaling() {}

  /** What is wrong with the deployment's autoscaling, or null (also when it has none). */
  static String problem(DeploymentSpec spec) {
    AutoscalingSpec a = spec.autoscaling();
    if (a == null) {
      return null;
    }
    String problem = a.problem();
    if (problem != null) {
      return problem;
    }
    if (spec.replicas() != a.clamp(spec.replicas())) {
      return "'replicas' ("
          + spec.replicas()
          + ") must lie within 'autoscaling.min_replicas' ("
          + a.minReplicas()
          + ") and 'autoscaling.max_replicas' ("
          + a.maxReplicas()
          + ")";
    }
    return null;
  }

  static ReplyEffect<ModelEvent, ModelState> scale(ModelEntity entity, ModelState s, Scale c) {
    var effect = entity.effects();
    if (!s.versions().containsKey(c.version())) {
      return effect.reply(c.replyTo(), entity.notFound(s, c.version()));
    }
    DeploymentSpec d = s.deployments().get(c.version());
    if (d == null || !d.autoscaled()) {
      return effect.reply(
          c.replyTo(),
          new Rejected(
              Rejected.Kind.CONFLICT,
              "version '"
                  + c.version()
                  + "' of model '"
                  + s.name()
                  + "' has no autoscaled deployment"));
    }
    if (d.replicas() != c.from() || c.from() == c.to()) {
      // Stale (someone changed the count since) or nothing to do: the sender reads the view.
      return effect.reply(c.replyTo(), new ModelReply.Current(s.view()));
    }
    if (c.to() != d.autoscaling().clamp(c.to())) {
      return effect.reply(
          c.replyTo(),
          new Rejected(
              Rejected.Kind.INVALID,
              "cannot scale version '"
                  + c.version()
                  + "' to "
                  + c.to()
                  + " replicas: its autoscaling bounds are "
                  + d.autoscaling().minReplicas()
                  + " to "
                  + d.autoscaling().maxReplicas()));
    }
    return effect
        .persist(new DeploymentScaled(c.version(), c.from(), c.to(), EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  /** The settings as the history shows them (the request's field names). */
  static Map<String, Object> details(AutoscalingSpec a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("min_replicas", a.minReplicas());
    m.put("max_replicas", a.maxReplicas());
    if (a.byInFlight()) {
      m.put("target_in_flight", a.targetInFlight());
    } else {
      m.put("target_queue_delay_ms", a.targetQueueDelayMillis());
    }
    m.put("scale_up_delay_ms", a.scaleUpDelayMillis());
    m.put("scale_down_delay_ms", a.scaleDownDelayMillis());
    if (a.minReplicas() == 0) {
      m.put("scale_to_zero_after_ms", a.scaleToZeroAfterMillis());
    }
    return m;
  }
}
