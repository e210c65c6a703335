package io.modelfleet.ops.load;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.observe.ReplicaObservers;
import io.modelfleet.protocol.load.LatencyBuckets;
import io.modelfleet.protocol.load.VersionLoad;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters since the node started of every model version served here, fed by the replicas (a {@link
 * ReplicaObservers}), read by the node's load probe as {@link VersionLoad}s. Unlike {@code
 * ModelWindows} nothing slides or resets: a reader subtracts two readings to get its own window, so
 * any number of readers (the rollout analysis, the autoscaler) can read at their own pace. Costs a
 * replica an adder and an array increment per answered request.
 */
public final class VersionCounters implements ReplicaObservers {

  private record Key(String model, String version) {}

  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder queueNanos = new LongAdder();
    final AtomicLongArray latency = new AtomicLongArray(LatencyBuckets.COUNT);

    /** Pending requests per serving replica of this version on the node. */
    final ConcurrentHashMap<String, AtomicInteger> pending = new ConcurrentHashMap<>();
  }

  private final ConcurrentHashMap<Key, Counters> counters = new ConcurrentHashMap<>();

  @Override
  public ReplicaObserver open(String model, String version, String replicaId, String device) {
    Counters c = counters.computeIfAbsent(new Key(model, version), k -> new Counters());
    AtomicInteger pending = new AtomicInteger();
    c.pending.put(replicaId, pending);
    return new ReplicaObserver() {
      @Override
      public void pending(int count) {
        pending.set(count);
      }

      @Override
      public void queued(long waitedNs) {
        c.queueNanos.add(waitedNs);
      }

      @Override
      public void succeeded(long totalNs) {
        c.requests.increment();
        c.latency.incrementAndGet(LatencyBuckets.index(totalNs));
      }

      @Override
      public void failed(FailureReason reason, long totalNs) {
        c.requests.increment();
        if (reason == FailureReason.BACKEND) {
          c.errors.increment();
        } else if (reason == FailureReason.REJECTED) {
          c.rejected.increment();
        }
      }

      @Override
      public void closed() {
        c.pending.remove(replicaId, pending);
      }
    };
  }

  /** Every version seen here since the node started ({@code model} null: every model). */
  public List<VersionLoad> snapshot(String model) {
    List<VersionLoad> all = new ArrayList<>();
    counters.forEach(
        (k, c) -> {
          if (model != null && !model.equals(k.model())) {
            return;
          }
          int inFlight = 0;
          for (AtomicInteger p : c.pending.values()) {
            inFlight += p.get();
          }
          long[] latency = new long[LatencyBuckets.COUNT];
          for (int i = 0; i < latency.length; i++) {
            latency[i] = c.latency.get(i);
          }
          all.add(
              new VersionLoad(
                  k.model(),
                  k.version(),
                  c.pending.size(),
                  inFlight,
                  c.requests.sum(),
                  c.errors.sum(),
                  c.rejected.sum(),
                  latency,
                  c.queueNanos.sum()));
        });
    all.sort(Comparator.comparing(VersionLoad::model).thenComparing(VersionLoad::version));
    return all;
  }
}
