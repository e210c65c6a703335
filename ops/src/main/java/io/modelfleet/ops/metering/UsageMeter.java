package io.modelfleet.ops.metering;

import io.modelfleet.ops.observe.InferenceObserver;
import io.modelfleet.ops.observe.InferenceRecord;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.usage.UsageDelta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The node's usage, aggregated in memory per {@link UsageKey} until it is flushed: the {@link
 * InferenceObserver} of usage metering. The gateway that received an inference reports it once, so
 * the nodes' counts add up to the cluster's exactly.
 *
 * <p><b>Request path</b> ({@link #inferred}): the clock, one key, one {@link ConcurrentHashMap}
 * lookup, and a few {@link LongAdder} adds; no lock, no I/O. A key seen for the first time in a
 * period takes the map's insert (and checks the entry limit and the model name).
 *
 * <p><b>Flushing</b> (one thread at a time, never the request path): {@link #pending} takes every
 * entry's sums minus what was flushed before; after the store has committed them, {@link #flushed}
 * records those sums as flushed. A flush that fails records nothing, so its deltas are in the next
 * one. Then {@link #retire} drops the entries of periods that ended more than {@code retireAfter}
 * ago and hold nothing unflushed, which bounds memory to the periods of the last flush interval or
 * so (plus whatever a database outage leaves unflushed).
 *
 * <p><b>Exactness.</b> Every add lands in a sum that only grows, and each flush writes exactly the
 * growth since the last committed one. The one way to lose an add: a thread that read the clock in
 * a period and then stalls for longer than {@code retireAfter} past the period's end before adding,
 * so that its entry was retired in between (with the default settings, a stall of over 10 seconds
 * between two adjacent statements, during which the flushing thread runs).
 *
 * <p><b>Bounds.</b> Past {@code maxEntries} entries, a new key is counted under the model {@value
 * UsageKey#OTHER_MODELS} (tenant, key and device kept), and a model name no model can have (a
 * request to a path naming garbage) under {@value UsageKey#INVALID_MODEL}: clients cannot grow the
 * map or the table by inventing names.
 */
public final class UsageMeter implements InferenceObserver {
  private final ConcurrentHashMap<UsageKey, UsageCounters> entries = new ConcurrentHashMap<>();
  private final long periodMillis;
  private final long retireAfterMillis;
  private final int maxEntries;
  private final LongSupplier clock;
  private final Object flushing = new Object();

  /**
   * @param clock epoch milliseconds
   */
  public UsageMeter(long periodMillis, long retireAfterMillis, int maxEntries, LongSupplier clock) {
    this.periodMillis = periodMillis;
    this.retireAfterMillis = retireAfterMillis;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  public static UsageMeter of(MeteringSettings s) {
    return new UsageMeter(
        s.period().toMillis(),
        s.flushInterval().toMillis(),
        s.maxEntries(),
        System::currentTimeMillis);
  }

  @Override
  public void inferred(InferenceRecord r) {
    UsageKey key = UsageKey.of(UsagePeriods.start(clock.getAsLong(), periodMillis), r);
    UsageCounters counters = entries.get(key);
    if (counters == null) {
      counters = firstOf(key);
    }
    counters.add(r);
  }

  /** The counters of a key not in the map: checked, and created unless another thread has. */
  private UsageCounters firstOf(UsageKey key) {
    UsageKey checked = key;
    if (!key.model().isEmpty() && Names.problem("model", key.model()) != null) {
      checked = key.asModel(UsageKey.INVALID_MODEL);
    } else if (entries.size() >= maxEntries) {
      checked = key.asModel(UsageKey.OTHER_MODELS);
    }
    return entries.computeIfAbsent(checked, k -> new UsageCounters());
  }

  /** What has not been flushed yet, to hand to the store and then to {@link #flushed}. */
  public Pending pending() {
    synchronized (flushing) {
      List<UsageDelta> deltas = new ArrayList<>();
      List<UsageCounters> counters = new ArrayList<>();
      List<long[]> sums = new ArrayList<>();
      for (Map.Entry<UsageKey, UsageCounters> e : entries.entrySet()) {
        long[] now = e.getValue().sums();
        long[] before = e.getValue().flushed();
        long[] d = new long[UsageCounters.MEASURES];
        boolean any = false;
        for (int i = 0; i < d.length; i++) {
          d[i] = now[i] - before[i];
          any |= d[i] != 0;
        }
        if (any) {
          UsageKey k = e.getKey();
          deltas.add(
              new UsageDelta(
                  k.periodStart(),
                  k.tenant(),
                  k.key(),
                  k.model(),
                  k.version(),
                  k.device(),
                  d[0],
                  d[1],
                  d[2],
                  d[3],
                  d[4],
                  d[5]));
          counters.add(e.getValue());
          sums.add(now);
        }
      }
      return new Pending(deltas, counters, sums);
    }
  }

  /** Records that {@code p}'s deltas are committed: they are not offered again. */
  public void flushed(Pending p) {
    synchronized (flushing) {
      for (int i = 0; i < p.counters.size(); i++) {
        p.counters.get(i).markFlushed(p.sums.get(i));
      }
    }
  }

  /**
   * Drops the entries of periods that ended at least retireAfter before now and hold nothing
   * unflushed; answers how many are left.
   */
  public int retire() {
    synchronized (flushing) {
      long now = clock.getAsLong();
      entries
          .entrySet()
          .removeIf(
              e ->
                  e.getKey().periodStart() + periodMillis + retireAfterMillis <= now
                      && Arrays.equals(e.getValue().sums(), e.getValue().flushed()));
      return entries.size();
    }
  }

  /** Entries held in memory now. */
  public int size() {
    return entries.size();
  }

  /** Deltas taken by {@link #pending}, with what {@link #flushed} needs to mark them. */
  public static final class Pending {
    private final List<UsageDelta> deltas;
    private final List<UsageCounters> counters;
    private final List<long[]> sums;

    private Pending(List<UsageDelta> deltas, List<UsageCounters> counters, List<long[]> sums) {
      this.deltas = List.copyOf(deltas);
      this.counters = counters;
      this.sums = sums;
    }

    public List<UsageDelta> deltas() {
      return deltas;
    }

    public boolean isEmpty() {
      return deltas.isEmpty();
    }
  }
}
