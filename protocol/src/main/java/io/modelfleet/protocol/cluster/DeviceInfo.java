package io.modelfleet.protocol.cluster;

/**
 * One device of a node as the cluster sees it. {@code kind} is "cpu" or "gpu". Memory is in bytes
 * (0 when unknown, as for the CPU); utilisation is a percentage, -1 when unknown. A simulated GPU
 * (tests on machines without one) says so and executes on the CPU.
 */
public record DeviceInfo(
    String id,
    String kind,
    String name,
    String uuid,
    long memoryTotalBytes,
    long memoryFreeBytes,
    int utilizationPercent,
    boolean simulated) {}
