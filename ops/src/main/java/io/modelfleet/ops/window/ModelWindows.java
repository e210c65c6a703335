package io.modelfleet.ops.window;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.observe.ReplicaObservers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Sliding-window request statistics of every model version served on this node (requests, failures,
 * latency percentiles, queue depth), fed by the replicas as a {@link ReplicaObservers}. What JMX
 * shows and what the built-in alert rules evaluate. Installed once per node into {@link
 * io.modelfleet.ops.Ops}; find it with {@code Ops.get(system).find(ModelWindows.class)}.
 */
public final class ModelWindows implements ReplicaObservers {

  private record Key(String model, String version) {}

  private static final class Entry {
    final RequestWindow window;

    /** Pending requests per serving replica of this version on the node. */
    final ConcurrentHashMap<String, AtomicInteger> pending = new ConcurrentHashMap<>();

    Entry(RequestWindow window) {
      this.window = window;
    }

    int pending() {
      int n = 0;
      for (AtomicInteger p : pending.values()) {
        n += p.get();
      }
      return n;
    }
  }

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final Duration window;
  private final int slices;
  private final LongSupplier clock;

  public ModelWindows(Duration window, int slices, LongSupplier clock) {
    this.window = window;
    this.slices = slices;
    this.clock = clock;
  }

  @Override
  public ReplicaObserver open(String model, String version, String replicaId, String device) {
    Entry e =
        entries.computeIfAbsent(
            new Key(model, version), k -> new Entry(new RequestWindow(window, slices, clock)));
    AtomicInteger pending = new AtomicInteger();
    e.pending.put(replicaId, pending);
    return new ReplicaObserver() {
      @Override
      public void pending(int count) {
        pending.set(count);
      }

      @Override
      public void succeeded(long totalNs) {
        e.window.succeeded(totalNs);
      }

      @Override
      public void failed(FailureReason reason, long totalNs) {
        e.window.failed(totalNs);
      }

      @Override
      public void closed() {
        e.pending.remove(replicaId, pending);
      }
    };
  }

  /** Every model version seen on this node since it started, sorted by model then version. */
  public List<WindowSnapshot> snapshot() {
    List<WindowSnapshot> all = new ArrayList<>();
    entries.forEach((k, e) -> all.add(e.window.snapshot(k.model(), k.version(), e.pending())));
    all.sort(Comparator.comparing(WindowSnapshot::model).thenComparing(WindowSnapshot::version));
    return all;
  }

  /** One model's versions, as {@link #snapshot}. */
  public List<WindowSnapshot> snapshot(String model) {
    return snapshot().stream().filter(s -> s.model().equals(model)).toList();
  }

  /** Replicas of {@code model} serving on this node now. */
  public int servingReplicas(String model) {
    int n = 0;
    for (var e : entries.entrySet()) {
      if (e.getKey().model().equals(model)) {
        n += e.getValue().pending.size();
      }
    }
    return n;
  }

  public Duration window() {
    return window;
  }
}
