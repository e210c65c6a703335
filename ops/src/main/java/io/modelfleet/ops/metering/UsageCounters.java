package io.modelfleet.ops.metering;

import io.modelfleet.ops.observe.InferenceRecord;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running sums of one {@link UsageKey}. Adding is lock-free ({@link LongAdder}s: no contended
 * cache line however many gateway threads count the same key). The sums only grow; what has been
 * flushed is remembered beside them ({@link #flushed}, touched by the flushing thread only), so
 * that a flush takes the difference without resetting anything and an add that races with a flush
 * is in this flush or the next, never lost and never counted twice.
 */
final class UsageCounters {
  static final int MEASURES = 6;

  private final LongAdder requests = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final LongAdder inputBytes = new LongAdder();
  private final LongAdder outputBytes = new LongAdder();
  private final LongAdder computeNanos = new LongAdder();

  /** The sums at the last successful flush; only the flushing thread reads or writes it. */
  private long[] flushed = new long[MEASURES];

  void add(InferenceRecord r) {
    requests.increment();
    if (!r.ok()) {
      failures.increment();
    }
    rows.add(r.rows());
    inputBytes.add(r.inputBytes());
    if (r.outputBytes() != 0) {
      outputBytes.add(r.outputBytes());
    }
    if (r.computeNanos() != 0) {
      computeNanos.add(r.computeNanos());
    }
  }

  /** The sums now, in the order requests, failures, rows, input, output, compute. */
  long[] sums() {
    return new long[] {
      requests.sum(),
      failures.sum(),
      rows.sum(),
      inputBytes.sum(),
      outputBytes.sum(),
      computeNanos.sum()
    };
  }

  long[] flushed() {
    return flushed;
  }

  void markFlushed(long[] sums) {
    flushed = sums;
  }
}
