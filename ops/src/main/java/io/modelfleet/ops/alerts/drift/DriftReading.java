package io.modelfleet.ops.alerts.drift;

/**
 * One output's drift on this node: its window compared with its reference.
 *
 * @param psi the population stability index of the window against the reference
 * @param bins how many bins the comparison used (fewer than configured when the reference repeats
 *     values)
 * @param referenceValues values in the reference
 * @param windowValues values in the window
 */
public record DriftReading(
    String model,
    String version,
    String output,
    double psi,
    int bins,
    long referenceValues,
    double referenceMean,
    double referenceStd,
    long windowValues,
    double windowMean,
    double windowStd) {}
