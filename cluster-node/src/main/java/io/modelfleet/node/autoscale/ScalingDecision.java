package io.modelfleet.node.autoscale;

import io.modelfleet.protocol.model.AutoscalingSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * The autoscaler's decision for one deployment, as a pure function of its settings, its replica
 * count in the registry, the load over the last window ({@link LoadFigures}), what was pending
 * before ({@link Pending}) and the time; no actor and no clock, so every rule is unit-tested.
 *
 * <p>The load asks for a count:
 *
 * <pre>
 * target            asks for                                          when
 * target_in_flight  ceil(average in-flight / target)                  always
 * queue delay       ceil(Ready replicas × mean queue delay / target)  requests were answered;
 *                                                                     else the current count
 * </pre>
 *
 * clamped into [max(min_replicas, 1), max_replicas] (at 0 replicas with nothing asked of it: 0).
 * Proportional to Ready replicas rather than the registry's count, so that replicas still loading
 * after a scale-up, which lower no delay yet, do not make it scale up again.
 *
 * <p>When the asked-for count differs from the current one, it must keep differing in the same
 * direction for scale_up_delay (up) or scale_down_delay (down) before anything changes; then the
 * count jumps to the least the load asked for throughout that delay (up) or the most (down) — the
 * rule of Kubernetes' HPA stabilization window. Jumping rather than stepping one replica at a time
 * is what Ray Serve and Knative do: after a load step of 1 to 4 replicas' worth, stepping would
 * take three delays, while the requests queue. A reading that asks for the current count, or for
 * the other direction, starts the wait again.
 *
 * <p>Zero is separate: with min_replicas 0, a deployment that has had no request answered and
 * nothing in flight for scale_to_zero_after goes to 0 replicas. The load rule never asks for fewer
 * than 1 while requests are in flight, and nothing here scales up from 0: the gateway does, when a
 * request arrives (the replicas' probes cannot see a request waiting in a gateway).
 */
public final class ScalingDecision {

  /** Below this a ratio counts as whole: 4.0000001 in-flight for a target of 2 asks for 2. */
  private static final double EPSILON = 1e-6;

  private ScalingDecision() {}

  /**
   * What has been pending since when, for one deployment at {@code basis} replicas. {@code
   * direction} is +1 (up), -1 (down) or 0 (nothing pending); {@code bound} the least (up) or most
   * (down) count asked for since {@code since}; {@code idleSince} when the deployment last became
   * idle (-1: it is not idle). All times in ms on the caller's monotonic clock.
   */
  public record Pending(int basis, int direction, long since, int bound, long idleSince) {
    public static Pending none(int basis) {
      return new Pending(basis, 0, -1, basis, -1);
    }
  }

  /** The next pending state, and the change to make now (if any). */
  public record Outcome(Pending pending, Optional<Change> change) {}

  /** Scale to {@code to}; {@code reason} has the numbers behind it. */
  public record Change(int from, int to, String reason) {}

  /**
   * @param current the deployment's replica count in the registry
   * @param now the caller's monotonic clock, in ms
   */
  public static Outcome decide(
      AutoscalingSpec spec, int current, LoadFigures load, Pending before, long now) {
    Pending p = before == null || before.basis() != current ? Pending.none(current) : before;
    long idleSince = load.idle() ? (p.idleSince() >= 0 ? p.idleSince() : now) : -1;
    if (spec.minReplicas() == 0
        && current > 0
        && idleSince >= 0
        && now - idleSince >= spec.scaleToZeroAfterMillis()) {
      String reason =
          String.format(
              Locale.ROOT,
              "no request answered and none in flight for %s (scale_to_zero_after %s)",
              seconds(now - idleSince),
              seconds(spec.scaleToZeroAfterMillis()));
      return new Outcome(Pending.none(0), Optional.of(new Change(current, 0, reason)));
    }
    int asked = asked(spec, current, load);
    int direction = Integer.signum(asked - current);
    if (direction == 0) {
      return new Outcome(new Pending(current, 0, -1, current, idleSince), Optional.empty());
    }
    boolean continuing = p.direction() == direction;
    long since = continuing ? p.since() : now;
    int bound =
        !continuing
            ? asked
            : direction > 0 ? Math.min(p.bound(), asked) : Math.max(p.bound(), asked);
    long delay = direction > 0 ? spec.scaleUpDelayMillis() : spec.scaleDownDelayMillis();
    if (now - since < delay) {
      return new Outcome(
          new Pending(current, direction, since, bound, idleSince), Optional.empty());
    }
    String reason =
        figures(spec, current, load)
            + String.format(
                Locale.ROOT,
                "; asked for %d or %s throughout %s (%s)",
                bound,
                direction > 0 ? "more" : "fewer",
                seconds(now - since),
                direction > 0 ? "scale_up_delay" : "scale_down_delay");
    return new Outcome(
        new Pending(bound, 0, -1, bound, idleSince),
        Optional.of(new Change(current, bound, reason)));
  }

  /** The count the load asks for now, within the bounds. */
  static int asked(AutoscalingSpec spec, int current, LoadFigures load) {
    boolean active = !load.idle();
    int floor = Math.max(spec.minReplicas(), current > 0 || active ? 1 : 0);
    double raw;
    if (spec.byInFlight()) {
      raw = load.avgInFlight() / spec.targetInFlight();
    } else if (load.requests() > 0) {
      raw = Math.max(load.ready(), 1) * load.queueDelayMillis() / spec.targetQueueDelayMillis();
    } else {
      // Nothing answered in the window: no delay to judge by. Keep the count.
      raw = current;
    }
    int wanted = (int) Math.min(Integer.MAX_VALUE, Math.ceil(raw - EPSILON));
    return Math.max(floor, Math.min(spec.maxReplicas(), wanted));
  }

  /** The numbers, for the history: "in-flight 7.4 over 2 replicas, target 2 per replica". */
  static String figures(AutoscalingSpec spec, int current, LoadFigures load) {
    if (spec.byInFlight()) {
      return String.format(
          Locale.ROOT,
          "in-flight %.1f over %d replicas (%d Ready), target %s per replica",
          load.avgInFlight(),
          current,
          load.ready(),
          number(spec.targetInFlight()));
    }
    return String.format(
        Locale.ROOT,
        "queue delay %s over %d requests on %d Ready replicas, target %d ms",
        load.requests() == 0
            ? "unknown"
            : String.format(Locale.ROOT, "%.1f ms", load.queueDelayMillis()),
        load.requests(),
        load.ready(),
        spec.targetQueueDelayMillis());
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0
        ? (millis / 1000) + "s"
        : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }
}
