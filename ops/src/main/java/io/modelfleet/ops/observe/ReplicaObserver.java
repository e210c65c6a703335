package io.modelfleet.ops.observe;

import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/**
 * What one replica reports about the requests it serves, in Triton's terms (see {@code
 * StatsRecorder} in cluster-node, which calls it). Every method except {@link #outputs} is called
 * from the replica's actor, so the calls of one replica never overlap; {@link #outputs} is called
 * from the ORT executor, at the same time as other {@code outputs} of the same replica when its
 * deployment has several concurrent runs ({@code ort.concurrent_runs}): implementations must be
 * thread-safe. Implementations must not block and must be cheap: they run on every request.
 */
public interface ReplicaObserver {

  /** Observes nothing. */
  ReplicaObserver NONE = new ReplicaObserver() {};

  /** Requests accepted and not yet answered (queued or executing), after a change. */
  default void pending(int count) {}

  /**
   * Requests accepted and not yet executing (queued: Triton's pending request count), after a
   * change. Called right after {@link #pending} with the same change.
   */
  default void waiting(int count) {}

  /** A request left the queue to run after waiting {@code waitedNs}. */
  default void queued(long waitedNs) {}

  /**
   * One execution of {@code rows} rows made of {@code requests} requests, with its phases (the
   * batch's times, not multiplied by the requests).
   */
  default void executed(int requests, int rows, long inputNs, long inferNs, long outputNs) {}

  /** A request answered with outputs, {@code totalNs} after it arrived at the replica. */
  default void succeeded(long totalNs) {}

  /**
   * A request answered from the node's response cache, {@code lookupNs} after its lookup began
   * (Triton's cache hit duration). The same request is also reported to {@link #succeeded}; it is
   * never queued or executed.
   */
  default void cacheHit(long lookupNs) {}

  /**
   * A request not found in the response cache, computed, and its outputs stored: {@code ns} is the
   * lookup and the insertion together (Triton's cache miss duration). Reported after its {@link
   * #succeeded}; a request whose execution failed is reported as failed only.
   */
  default void cacheMiss(long ns) {}

  /** A request answered with a failure, {@code totalNs} after it arrived. */
  default void failed(FailureReason reason, long totalNs) {}

  /**
   * Whether {@link #outputs} should be called at all (reading outputs costs; an observer that does
   * not need them says false, and the replica skips the call).
   */
  default boolean wantsOutputs() {
    return false;
  }

  /** The outputs of one successful request (for output statistics such as drift). */
  default void outputs(List<Tensor> outputs) {}

  /** The replica stopped serving: release what was registered for it. */
  default void closed() {}
}
