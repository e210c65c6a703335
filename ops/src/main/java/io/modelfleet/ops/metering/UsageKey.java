package io.modelfleet.ops.metering;

import io.modelfleet.ops.observe.InferenceRecord;

/**
 * What usage is aggregated by in memory and in the usage table (with the node): one metering period
 * of one key of one tenant on one version of one model and one kind of device.
 *
 * @param periodStart epoch milliseconds, a multiple of the period (UTC-aligned)
 * @param key the key's id; without access control, the caller's principal ("anonymous")
 * @param device the device kind ({@link DeviceKinds})
 */
record UsageKey(
    long periodStart, String tenant, String key, String model, String version, String device) {

  /** The model name that stands for every model past the entry limit. */
  static final String OTHER_MODELS = "(other)";

  /** The model name that stands for names no model can have (a request for a bogus path). */
  static final String INVALID_MODEL = "(invalid)";

  /** The record's key in {@code periodStart}, as reported (not yet checked). */
  static UsageKey of(long periodStart, InferenceRecord r) {
    return new UsageKey(
        periodStart,
        nonNull(r.tenant()),
        r.keyId() == null || r.keyId().isEmpty() ? nonNull(r.client()) : r.keyId(),
        nonNull(r.model()),
        nonNull(r.version()),
        DeviceKinds.of(r.device()));
  }

  /** The same usage counted under {@code model} with no version. */
  UsageKey asModel(String name) {
    return new UsageKey(periodStart, tenant, key, name, "", device);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
