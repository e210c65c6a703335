package io.modelfleet.protocol.model;

/**
 * How the autoscaler sizes one deployment: between {@code minReplicas} and {@code maxReplicas}, so
 * that each replica carries about one target. Exactly one target is set (the other is 0):
 *
 * <ul>
 *   <li>{@code targetInFlight}: requests in flight (queued + running) per replica, averaged over
 *       the autoscaler's window, like Ray Serve's {@code target_ongoing_requests}; desired replicas
 *       = ceil(in-flight / target);
 *   <li>{@code targetQueueDelayMillis}: the mean time an answered request waited in a replica's
 *       queue; desired = ceil(replicas × delay / target).
 * </ul>
 *
 * A change of the desired count is carried out only once it has held for {@code scaleUpDelayMillis}
 * (up) or {@code scaleDownDelayMillis} (down), so one burst or one quiet second does not churn
 * replicas. With {@code minReplicas} 0 the deployment goes to zero replicas once it has had no
 * request and nothing in flight for {@code scaleToZeroAfterMillis}; the first request after that
 * waits in the gateway while a replica loads (0 when minReplicas is above 0).
 *
 * <p>Journalled inside {@link DeploymentSpec} (Jackson); null there means "not autoscaled".
 */
public record AutoscalingSpec(
    int minReplicas,
    int maxReplicas,
    double targetInFlight,
    long targetQueueDelayMillis,
    long scaleUpDelayMillis,
    long scaleDownDelayMillis,
    long scaleToZeroAfterMillis) {

  /** Used when a deployment names no delay: react to a load step in seconds, give back slowly. */
  public static final long DEFAULT_SCALE_UP_DELAY_MS = 5_000;

  public static final long DEFAULT_SCALE_DOWN_DELAY_MS = 30_000;
  public static final long DEFAULT_SCALE_TO_ZERO_AFTER_MS = 60_000;

  /** Longest delay accepted: a typo of hours should be refused, not waited out. */
  public static final long MAX_DELAY_MS = 3_600_000;

  /** Largest in-flight target per replica (a replica's queue holds at most a few thousand). */
  public static final double MAX_TARGET_IN_FLIGHT = 10_000;

  /** Largest queue-delay target (ten minutes is past any inference deadline). */
  public static final long MAX_TARGET_QUEUE_DELAY_MS = 600_000;

  /** Whether the target is requests in flight per replica (else the queue delay). */
  public boolean byInFlight() {
    return targetInFlight > 0;
  }

  /** {@code replicas} clamped into [min, max]. */
  public int clamp(int replicas) {
    return Math.max(minReplicas, Math.min(maxReplicas, replicas));
  }

  /**
   * What is wrong with these settings, naming the request's field ({@code autoscaling.min_replicas}
   * ...), or null when they are valid.
   */
  public String problem() {
    if (minReplicas < 0 || minReplicas > DeploymentSpec.MAX_REPLICAS) {
      return "'autoscaling.min_replicas' must be an integer from 0 to "
          + DeploymentSpec.MAX_REPLICAS
          + ", got "
          + minReplicas;
    }
    if (maxReplicas < 1 || maxReplicas > DeploymentSpec.MAX_REPLICAS) {
      return "'autoscaling.max_replicas' must be an integer from 1 to "
          + DeploymentSpec.MAX_REPLICAS
          + ", got "
          + maxReplicas;
    }
    if (minReplicas > maxReplicas) {
      return "'autoscaling.min_replicas' ("
          + minReplicas
          + ") must not exceed 'autoscaling.max_replicas' ("
          + maxReplicas
          + ")";
    }
    boolean inFlight = targetInFlight > 0;
    boolean queue = targetQueueDelayMillis > 0;
    if (inFlight == queue || targetInFlight < 0 || targetQueueDelayMillis < 0) {
      return "'autoscaling' needs exactly one target: 'target_in_flight' (requests per replica)"
          + " or 'target_queue_delay_ms'";
    }
    if (!(targetInFlight <= MAX_TARGET_IN_FLIGHT)) {
      return "'autoscaling.target_in_flight' must be above 0 and at most "
          + (long) MAX_TARGET_IN_FLIGHT
          + ", got "
          + targetInFlight;
    }
    if (targetQueueDelayMillis > MAX_TARGET_QUEUE_DELAY_MS) {
      return "'autoscaling.target_queue_delay_ms' must be from 1 to "
          + MAX_TARGET_QUEUE_DELAY_MS
          + ", got "
          + targetQueueDelayMillis;
    }
    String delays =
        delayProblem("scale_up_delay", scaleUpDelayMillis) != null
            ? delayProblem("scale_up_delay", scaleUpDelayMillis)
            : delayProblem("scale_down_delay", scaleDownDelayMillis);
    if (delays != null) {
      return delays;
    }
    if (minReplicas > 0 && scaleToZeroAfterMillis != 0) {
      return "'autoscaling.scale_to_zero_after' needs 'autoscaling.min_replicas' 0, got min_replicas "
          + minReplicas;
    }
    if (minReplicas == 0 && (scaleToZeroAfterMillis < 1 || scaleToZeroAfterMillis > MAX_DELAY_MS)) {
      return "'autoscaling.scale_to_zero_after' must be from 1ms to 1h, got "
          + scaleToZeroAfterMillis
          + " ms";
    }
    return null;
  }

  private static String delayProblem(String field, long millis) {
    if (millis < 0 || millis > MAX_DELAY_MS) {
      return "'autoscaling." + field + "' must be from 0s to 1h, got " + millis + " ms";
    }
    return null;
  }
}
