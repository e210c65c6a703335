package io.modelfleet.protocol.usage;

/**
 * What one node metered for one (period, tenant, key, model, version, device kind) since its last
 * flush: the unit written to the usage table, where it is added to what the row already holds.
 *
 * @param periodStart the period's start, epoch milliseconds (UTC-aligned)
 * @param device the device kind ("cpu", "gpu"), empty when no replica answered
 */
public record UsageDelta(
    long periodStart,
    String tenant,
    String keyId,
    String model,
    String version,
    String device,
    long requests,
    long failures,
    long rows,
    long inputBytes,
    long outputBytes,
    long computeNanos) {

  /** Whether there is nothing to add. */
  public boolean isEmpty() {
    return requests == 0
        && failures == 0
        && rows == 0
        && inputBytes == 0
        && outputBytes == 0
        && computeNanos == 0;
  }
}
