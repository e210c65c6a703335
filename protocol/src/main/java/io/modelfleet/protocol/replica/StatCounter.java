package io.modelfleet.protocol.replica;

/**
 * Triton's statistic duration: how many times something happened and the nanoseconds it took in
 * all.
 */
public record StatCounter(long count, long ns) {
  public static final StatCounter ZERO = new StatCounter(0, 0);

  public StatCounter plus(StatCounter o) {
    return new StatCounter(count + o.count, ns + o.ns);
  }

  public StatCounter plus(long n, long nanos) {
    return new StatCounter(count + n, ns + nanos);
  }
}
