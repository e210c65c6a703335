package io.modelfleet.ops.metrics;

/**
 * One GPU of this node at one moment, as the node's device inventory read it for a scrape. Unknown
 * readings are negative (or NaN for the fractions) and left out of the scrape.
 *
 * @param uuid the GPU's UUID (Triton's {@code gpu_uuid} label); "SIM-n" for a simulated GPU
 * @param device the device's id in ModelFleet ("gpu:0", "sim-gpu:1")
 * @param simulated a simulated GPU: configured, executing on the CPU
 * @param utilization 0.0 to 1.0, or NaN when unknown
 * @param memoryTotalBytes total memory, or -1 when unknown
 * @param memoryUsedBytes used memory, or -1 when unknown
 * @param powerWatts instantaneous power in watts, or NaN when unknown
 */
public record GpuSample(
    String uuid,
    String device,
    String name,
    boolean simulated,
    double utilization,
    long memoryTotalBytes,
    long memoryUsedBytes,
    double powerWatts) {}
