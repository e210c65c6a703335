package io.modelfleet.node.device;

import static org.bytedeco.cuda.global.nvml.NVML_DEVICE_NAME_V2_BUFFER_SIZE;
import static org.bytedeco.cuda.global.nvml.NVML_DEVICE_UUID_V2_BUFFER_SIZE;
import static org.bytedeco.cuda.global.nvml.NVML_SUCCESS;
import static org.bytedeco.cuda.global.nvml.NVML_TEMPERATURE_GPU;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetCount_v2;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetHandleByIndex_v2;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetMemoryInfo;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetName;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetPowerUsage;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetTemperature;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetUUID;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetUtilizationRates;
import static org.bytedeco.cuda.global.nvml.nvmlErrorString;
import static org.bytedeco.cuda.global.nvml.nvmlInit_v2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.cuda.nvml.nvmlDevice_st;
import org.bytedeco.cuda.nvml.nvmlMemory_t;
import org.bytedeco.cuda.nvml.nvmlUtilization_t;

/**
 * The NVIDIA Management Library through JavaCPP ({@code org.bytedeco.cuda.global.nvml}).
 *
 * <p>Loaded at most once per JVM. On a host without the driver the first touch of the binding fails
 * in its static initialiser with {@link UnsatisfiedLinkError} (the binding also loads JavaCPP's
 * cudart wrapper, which needs {@code libcuda.so.1} and {@code libcudart.so.12}), and every later
 * touch throws {@link NoClassDefFoundError} ("Could not initialize class"). So {@link Holder} makes
 * the one attempt, lazily and thread-safely, and remembers its outcome; nothing outside this class
 * names the binding.
 *
 * <p>NVML is initialised once and never shut down: it is reference-counted per process and the
 * inventory reads it for the node's whole life, so the process exit is the right shutdown.
 *
 * <p>Not unit-tested against a GPU (build hosts have none); each call below is one NVML call whose
 * return code is checked.
 */
final class Nvml {

  /** One reading of a GPU's changing state. Temperature is -1 when NVML does not report it. */
  record Reading(long totalBytes, long freeBytes, int utilizationPercent, int temperatureCelsius) {}

  private Nvml() {}

  private static final class Holder {
    /** Empty when NVML is ready; otherwise why it is not. Computed once, on first use. */
    static final Optional<String> UNAVAILABLE = initialise();

    private static Optional<String> initialise() {
      try {
        int rc = nvmlInit_v2();
        return rc == NVML_SUCCESS ? Optional.empty() : Optional.of("nvmlInit: " + errorString(rc));
      } catch (LinkageError | RuntimeException e) {
        // UnsatisfiedLinkError from the binding's static initialiser (or NoClassDefFoundError if
        // other code touched it first): no driver or no CUDA runtime on this host. Anything else
        // is caught too, because letting it escape would fail this holder's own initialisation
        // and turn every later call into a NoClassDefFoundError.
        return Optional.of(reason(e));
      }
    }
  }

  /** Why NVML cannot be used on this host, or empty when it can. Tries to load it only once. */
  static Optional<String> unavailableReason() {
    return Holder.UNAVAILABLE;
  }

  static boolean available() {
    return unavailableReason().isEmpty();
  }

  /**
   * The GPUs NVML lists, in its (PCI bus) order, with their total memory. NVML must be available.
   */
  static List<Device> devices() {
    requireAvailable();
    int[] count = new int[1];
    check(nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount");
    List<Device> gpus = new ArrayList<>(count[0]);
    for (int i = 0; i < count[0]; i++) {
      nvmlDevice_st dev = handle(i);
      byte[] name = new byte[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
      check(nvmlDeviceGetName(dev, name, name.length), "nvmlDeviceGetName");
      byte[] uuid = new byte[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
      check(nvmlDeviceGetUUID(dev, uuid, uuid.length), "nvmlDeviceGetUUID");
      long total = read(i).totalBytes();
      gpus.add(
          new Device("gpu:" + i, Device.Kind.GPU, i, cString(name), cString(uuid), total, false));
    }
    return gpus;
  }

  /**
   * Memory, utilisation and temperature of GPU {@code index} now. NVML must be available. Memory
   * must be readable; utilisation and temperature are -1 where NVML does not report them (a GPU in
   * MIG mode has no whole-GPU utilisation, some boards and vGPUs no temperature).
   */
  static Reading read(int index) {
    requireAvailable();
    nvmlDevice_st dev = handle(index);
    try (nvmlMemory_t mem = new nvmlMemory_t();
        nvmlUtilization_t util = new nvmlUtilization_t()) {
      check(nvmlDeviceGetMemoryInfo(dev, mem), "nvmlDeviceGetMemoryInfo");
      int utilization = nvmlDeviceGetUtilizationRates(dev, util) == NVML_SUCCESS ? util.gpu() : -1;
      int[] celsius = {-1};
      int temperature =
          nvmlDeviceGetTemperature(dev, NVML_TEMPERATURE_GPU, celsius) == NVML_SUCCESS
              ? celsius[0]
              : -1;
      return new Reading(mem.total(), mem._free(), utilization, temperature);
    }
  }

  /**
   * GPU {@code index}'s power draw now, in milliwatts, or -1 where NVML does not report it (boards
   * without power readings, vGPUs). NVML must be available.
   */
  static long powerMilliwatts(int index) {
    requireAvailable();
    int[] milliwatts = {-1};
    return nvmlDeviceGetPowerUsage(handle(index), milliwatts) == NVML_SUCCESS
        ? Integer.toUnsignedLong(milliwatts[0])
        : -1;
  }

  private static nvmlDevice_st handle(int index) {
    nvmlDevice_st dev = new nvmlDevice_st(); // an empty nvmlDevice_t, filled in through @ByPtrPtr
    check(nvmlDeviceGetHandleByIndex_v2(index, dev), "nvmlDeviceGetHandleByIndex(" + index + ")");
    return dev;
  }

  private static void requireAvailable() {
    unavailableReason()
        .ifPresent(
            r -> {
              throw new IllegalStateException("NVML unavailable: " + r);
            });
  }

  private static void check(int rc, String call) {
    if (rc != NVML_SUCCESS) {
      throw new IllegalStateException(call + " failed: " + errorString(rc));
    }
  }

  private static String errorString(int rc) {
    return nvmlErrorString(rc).getString() + " (" + rc + ")";
  }

  private static String cString(byte[] buf) {
    int n = 0;
    while (n < buf.length && buf[n] != 0) {
      n++;
    }
    return new String(buf, 0, n, StandardCharsets.US_ASCII);
  }

  /**
   * The useful part of a load failure. JavaCPP reports "no jnicudart in java.library.path: ..."
   * with the dynamic linker's own message ("...libjnicudart.so: libcuda.so.1: cannot open shared
   * object file: No such file or directory") as its cause; the latter names what is missing.
   */
  static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() != null ? root.getMessage() : root.getClass().getName();
    int so = msg.indexOf(".so: ");
    if (so >= 0) {
      return msg.substring(so + 5);
    }
    int path =
        msg.indexOf(" in java.library.path"); // drop the long list of directories that follows
    return path >= 0 ? msg.substring(0, path + 21) : msg;
  }
}
