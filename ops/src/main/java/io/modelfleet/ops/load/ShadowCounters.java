package io.modelfleet.ops.load;

import io.modelfleet.protocol.load.DiffBuckets;
import io.modelfleet.protocol.load.ShadowLoad;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This node's shadow traffic, as counters since the node started: the gateway reports each copy it
 * sends and how the candidate's answer compared; the node's load probe reads them ({@link
 * #snapshot}) as {@link ShadowLoad}s. Thread-safe and allocation-light: atomics per (model,
 * baseline, candidate) and per output.
 */
public final class ShadowCounters {

  private record Key(String model, String baseline, String candidate) {}

  private static final class Counters {
    final AtomicLong mirrored = new AtomicLong();
    final AtomicLong compared = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong mismatched = new AtomicLong();
    final ConcurrentHashMap<String, AtomicLongArray> abs = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, AtomicLongArray> rel = new ConcurrentHashMap<>();
  }

  private final ConcurrentHashMap<Key, Counters> counters = new ConcurrentHashMap<>();

  private Counters of(String model, String baseline, String candidate) {
    return counters.computeIfAbsent(new Key(model, baseline, candidate), k -> new Counters());
  }

  /** A copy of a request answered by {@code baseline} was sent to {@code candidate}. */
  public void mirrored(String model, String baseline, String candidate) {
    of(model, baseline, candidate).mirrored.incrementAndGet();
  }

  /** The candidate failed (or did not answer in time) a copy the baseline answered. */
  public void failed(String model, String baseline, String candidate) {
    of(model, baseline, candidate).failed.incrementAndGet();
  }

  /** The two answers differ in output names, types or shapes. */
  public void mismatched(String model, String baseline, String candidate) {
    of(model, baseline, candidate).mismatched.incrementAndGet();
  }

  /**
   * Both answered with comparable outputs; {@code maxAbs} and {@code maxRel} give, per output name,
   * the largest absolute and relative difference over its elements.
   */
  public void compared(
      String model,
      String baseline,
      String candidate,
      Map<String, Double> maxAbs,
      Map<String, Double> maxRel) {
    Counters c = of(model, baseline, candidate);
    c.compared.incrementAndGet();
    maxAbs.forEach((out, d) -> bucket(c.abs, out).incrementAndGet(DiffBuckets.index(d)));
    maxRel.forEach((out, d) -> bucket(c.rel, out).incrementAndGet(DiffBuckets.index(d)));
  }

  private static AtomicLongArray bucket(Map<String, AtomicLongArray> m, String output) {
    return m.computeIfAbsent(output, o -> new AtomicLongArray(DiffBuckets.COUNT));
  }

  /** Every pair seen since the node started ({@code model} null: every model). */
  public List<ShadowLoad> snapshot(String model) {
    List<ShadowLoad> all = new ArrayList<>();
    counters.forEach(
        (k, c) -> {
          if (model == null || model.equals(k.model())) {
            all.add(
                new ShadowLoad(
                    k.model(),
                    k.baseline(),
                    k.candidate(),
                    c.mirrored.get(),
                    c.compared.get(),
                    c.failed.get(),
                    c.mismatched.get(),
                    copy(c.abs),
                    copy(c.rel)));
          }
        });
    return all;
  }

  private static Map<String, long[]> copy(Map<String, AtomicLongArray> m) {
    Map<String, long[]> out = new HashMap<>();
    m.forEach(
        (name, a) -> {
          long[] v = new long[a.length()];
          for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i);
          }
          out.put(name, v);
        });
    return out;
  }
}
