package io.modelfleet.ops.metering;

/**
 * The device kind usage is charged by: "cpu" or "gpu" ("gpu:0", "gpu:1" and the test clusters'
 * simulated "sim-gpu:0" are all "gpu": a price is per kind of device, not per card), or empty for a
 * request no replica answered. Anything else is its id before the colon.
 */
public final class DeviceKinds {
  public static final String CPU = "cpu";
  public static final String GPU = "gpu";

  private DeviceKinds() {}

  public static String of(String device) {
    if (device == null || device.isEmpty()) {
      return "";
    }
    if (device.equals(CPU) || device.startsWith("cpu:")) {
      return CPU;
    }
    int colon = device.indexOf(':');
    String kind = colon < 0 ? device : device.substring(0, colon);
    return kind.equals(GPU) || kind.endsWith("-gpu") ? GPU : kind;
  }
}
