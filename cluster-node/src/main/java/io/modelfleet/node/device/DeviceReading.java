package io.modelfleet.node.device;

/**
 * A GPU's changing state at one moment, as {@link DeviceInventory#snapshot()} reads it. The total
 * memory is {@code device().memoryBytes()}. Free memory is in bytes and 0 when unknown, so that
 * placement never counts on memory nobody measured; utilisation is a percentage and temperature is
 * in degrees Celsius, each -1 when unknown.
 */
public record DeviceReading(
    Device device, long memoryFreeBytes, int utilizationPercent, int temperatureCelsius) {}
