package io.modelfleet.node.replica;

import io.modelfleet.node.cache.ResponseCache;
import io.modelfleet.node.cache.ResponseCacheKey;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/**
 * One replica's use of the node's {@link ResponseCache}, as Triton's server uses its cache: after
 * validation a request's key is computed and looked up; a hit is answered at once and never queued,
 * a miss runs as usual and its outputs are stored once the caller has them. Only successful outputs
 * are stored; requests with a priority or a timeout are cached like any other.
 *
 * <p>Statistics follow Triton's {@code InferenceStatsAggregator}: a hit counts as a success and a
 * cache hit (the time to look up and answer), and not as an inference, an execution, a queue wait
 * or compute; a miss counts as a cache miss (the lookup and the insertion) once its execution
 * succeeded, so a request whose execution failed is a failure only. An answer larger than the whole
 * cache is not stored, and its miss counts the lookup alone.
 *
 * <p>Threads: {@link #lookup} runs on the replica's actor (it touches the actor's {@link
 * StatsRecorder}); {@link #store} runs on the ORT executor that answered the caller, and hands its
 * timing to {@link StatsRecorder#succeeded} through the {@link Miss}, which travels in the
 * execution's result message (the message send orders the write before the read).
 */
final class ResponseCaching {

  /** A miss: the key to store the outputs under, and the time spent on the cache so far. */
  static final class Miss {
    private final ResponseCacheKey key;
    private final long lookupNanos;
    private long insertNanos;
    private boolean stored;

    private Miss(ResponseCacheKey key, long lookupNanos) {
      this.key = key;
      this.lookupNanos = lookupNanos;
    }

    /** Whether {@link #store} offered the outputs to the cache (not {@link #HIT}). */
    boolean stored() {
      return key != null && stored;
    }

    /** The lookup and the insertion. */
    long nanos() {
      return lookupNanos + insertNanos;
    }
  }

  /** What {@link #lookup} returns for a request it has answered from the cache. */
  static final Miss HIT = new Miss(null, 0);

  /** A replica whose deployment does not cache, or whose node has no cache. */
  static final ResponseCaching OFF = new ResponseCaching(ResponseCache.OFF, null, null, "", "", "");

  private final ResponseCache cache;
  private final ResponseCacheKey.Scope scope;
  private final StatsRecorder stats;
  private final String model;
  private final String version;
  private final String device;

  private ResponseCaching(
      ResponseCache cache,
      ResponseCacheKey.Scope scope,
      StatsRecorder stats,
      String model,
      String version,
      String device) {
    this.cache = cache;
    this.scope = scope;
    this.stats = stats;
    this.model = model;
    this.version = version;
    this.device = device;
  }

  /**
   * The caching of a replica of {@code model} {@code version} (artifact {@code digest}): {@link
   * #OFF} unless the deployment asked for it and the node has a cache.
   */
  static ResponseCaching of(
      ResponseCache cache,
      boolean requested,
      String model,
      String version,
      String digest,
      String device,
      StatsRecorder stats) {
    if (!requested || !cache.enabled()) {
      return OFF;
    }
    return new ResponseCaching(
        cache, ResponseCacheKey.scope(model, version, digest), stats, model, version, device);
  }

  boolean enabled() {
    return scope != null;
  }

  /**
   * Looks a validated request up. On a hit, answers the caller, counts it and returns {@link #HIT};
   * on a miss returns the miss to store its outputs with; null when not caching.
   *
   * @param arrivalNanos when the request arrived at the replica
   */
  Miss lookup(ReplicaCommand.Infer m, long arrivalNanos) {
    if (scope == null) {
      return null;
    }
    long t0 = System.nanoTime();
    InferRequest req = m.request();
    ResponseCacheKey key = scope.key(req.outputs(), req.inputs());
    List<Tensor> outputs = cache.get(key);
    if (outputs == null) {
      return new Miss(key, System.nanoTime() - t0);
    }
    m.replyTo().tell(new InferReply.InferResult(model, version, req.id(), outputs, 0, device));
    long t1 = System.nanoTime();
    stats.cacheHit(t1 - t0, t1 - arrivalNanos);
    return HIT;
  }

  /** Stores the outputs a missed request was answered with (on the ORT executor). */
  void store(Miss miss, List<Tensor> outputs) {
    if (miss == null || miss.key == null) {
      return;
    }
    long t0 = System.nanoTime();
    cache.put(miss.key, outputs);
    miss.insertNanos = System.nanoTime() - t0;
    miss.stored = true;
  }
}
