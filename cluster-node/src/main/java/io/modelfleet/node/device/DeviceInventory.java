package io.modelfleet.node.device;

import com.typesafe.config.Config;
import io.modelfleet.protocol.cluster.DeviceInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPUs of this node. Asked before anything touches CUDA: ONNX Runtime lists the CUDA provider
 * even on hosts without a GPU, and {@code addCUDA} there costs seconds before it fails, so only a
 * GPU listed here is ever handed to the CUDA provider.
 *
 * <p>Where the GPUs come from ({@link Source}), by {@code modelfleet.devices.mode}:
 *
 * <pre>
 *   mode       tries, in order                                   memory / utilisation
 *   auto       NVML                                              measured ({@link #snapshot()})
 *              else /proc/driver/nvidia/gpus/&lt;bus&gt;/information  unknown (0 / -1)
 *              else none: the node runs on its CPU
 *   cpu-only   nothing                                           -
 *   simulated  configured count and memory, labelled simulated   total minus reserved / -1
 * </pre>
 *
 * The driver files are kept as a fallback because JavaCPP's NVML binding also needs the CUDA
 * runtime ({@code libcudart.so.12}); a host with the driver but without it still shows its GPUs.
 *
 * <p>The list of GPUs is fixed at start; their free memory and utilisation are read afresh by every
 * {@link #snapshot()} and {@link #describe()}, which the node calls every few seconds.
 */
public final class DeviceInventory {
  private static final Logger log = LoggerFactory.getLogger(DeviceInventory.class);
  private static final Path NVIDIA_DRIVER_GPUS = Path.of("/proc/driver/nvidia/gpus");

  /** Where this inventory's GPUs came from. */
  public enum Source {
    /** No GPU: none found, or {@code cpu-only}. */
    NONE,
    /** NVML: names, UUIDs, memory and utilisation are measured. */
    NVML,
    /** The NVIDIA driver's /proc files: names and UUIDs only. */
    DRIVER_FILES,
    /** Configured, labelled simulated; replicas on them execute on the CPU. */
    SIMULATED
  }

  private final String mode;
  private final Source source;
  private final List<Device> gpus;

  /** Bytes the node has placed on each simulated GPU; they have no memory to measure. */
  private final Map<String, Long> reservedBytes = new ConcurrentHashMap<>();

  /**
   * GPUs whose last NVML read failed, so a lasting failure is logged once, not every few seconds.
   */
  private final Set<String> failingReads = ConcurrentHashMap.newKeySet();

  private DeviceInventory(String mode, Source source, List<Device> gpus) {
    this.mode = mode;
    this.source = source;
    this.gpus = List.copyOf(gpus);
  }

  public static DeviceInventory fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.devices");
    String mode = c.getString("mode").toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "cpu-only" -> new DeviceInventory(mode, Source.NONE, List.of());
      case "simulated" -> simulated(c.getInt("simulated-gpus"), c.getBytes("simulated-gpu-memory"));
      case "auto" -> auto(NVIDIA_DRIVER_GPUS);
      default ->
          throw new IllegalArgumentException(
              "modelfleet.devices.mode must be auto, cpu-only or simulated, got '" + mode + "'");
    };
  }

  public static DeviceInventory simulated(int count, long memoryBytes) {
    List<Device> gpus = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      gpus.add(
          new Device(
              "sim-gpu:" + i, Device.Kind.GPU, i, "simulated GPU", "SIM-" + i, memoryBytes, true));
    }
    return new DeviceInventory("simulated", Source.SIMULATED, gpus);
  }

  /** {@code mode = auto}: NVML, else the driver files under {@code driverGpus}, else no GPU. */
  static DeviceInventory auto(Path driverGpus) {
    Optional<String> unavailable = Nvml.unavailableReason();
    if (unavailable.isEmpty()) {
      try {
        List<Device> gpus = Nvml.devices();
        log.info("NVML lists {} GPU(s): {}", gpus.size(), gpus);
        return new DeviceInventory("auto", Source.NVML, gpus);
      } catch (IllegalStateException e) {
        unavailable = Optional.of(e.getMessage());
      }
    }
    String reason = unavailable.get();
    List<Device> fromDriver = probeNvidiaDriver(driverGpus);
    if (fromDriver.isEmpty()) {
      log.info("no NVIDIA driver (NVML unavailable: {}); this node has no GPU", reason);
      return new DeviceInventory("auto", Source.NONE, List.of());
    }
    log.warn(
        "NVML unavailable ({}); using the {} GPU(s) listed in {}, whose memory and utilisation are unknown",
        reason,
        fromDriver.size(),
        driverGpus);
    return new DeviceInventory("auto", Source.DRIVER_FILES, fromDriver);
  }

  static List<Device> probeNvidiaDriver(Path root) {
    List<Device> gpus = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return gpus;
    }
    TreeSet<Path> buses = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      ds.forEach(buses::add);
    } catch (IOException e) {
      return gpus;
    }
    int index = 0;
    for (Path bus : buses) {
      String name = "NVIDIA GPU";
      String uuid = null;
      try {
        for (String line : Files.readAllLines(bus.resolve("information"))) {
          if (line.startsWith("Model:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("GPU UUID:")) {
            uuid = line.substring(9).strip();
          }
        }
      } catch (IOException e) {
        continue;
      }
      gpus.add(new Device("gpu:" + index, Device.Kind.GPU, index, name, uuid, 0, false));
      index++;
    }
    return gpus;
  }

  public List<Device> gpus() {
    return gpus;
  }

  public boolean hasGpu() {
    return !gpus.isEmpty();
  }

  public String mode() {
    return mode;
  }

  public Source source() {
    return source;
  }

  /**
   * Adds {@code deltaBytes} (negative to release) to what a simulated GPU has reserved: each
   * replica reserves its footprint there while its session is open, so the simulated GPU's free
   * memory shows its use as a real one's would. Does nothing for the CPU and real GPUs, whose use
   * NVML measures.
   */
  public void adjustReserved(String deviceId, long deltaBytes) {
    if (Device.CPU.id().equals(deviceId)) {
      return;
    }
    Device d =
        gpus.stream()
            .filter(g -> g.id().equals(deviceId))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no GPU '" + deviceId + "' on this node; it has " + gpus));
    if (d.simulated()) {
      reservedBytes.merge(deviceId, deltaBytes, (a, b) -> Math.max(0, a + b));
    }
  }

  /** Every GPU's free memory, utilisation and temperature now, in {@link #gpus()} order. */
  public List<DeviceReading> snapshot() {
    List<DeviceReading> readings = new ArrayList<>(gpus.size());
    for (Device d : gpus) {
      readings.add(
          switch (source) {
            case NVML -> readNvml(d);
            case SIMULATED ->
                new DeviceReading(
                    d,
                    Math.max(0, d.memoryBytes() - reservedBytes.getOrDefault(d.id(), 0L)),
                    -1,
                    -1);
            case DRIVER_FILES, NONE -> new DeviceReading(d, 0, -1, -1);
          });
    }
    return readings;
  }

  /**
   * A GPU's power draw now in watts, where NVML measures it (its metrics); -1 otherwise: a GPU of
   * the driver files, a simulated one, or one whose board does not report power.
   */
  public double powerWatts(Device gpu) {
    if (source != Source.NVML || gpu.simulated()) {
      return -1;
    }
    try {
      long mw = Nvml.powerMilliwatts(gpu.index());
      return mw < 0 ? -1 : mw / 1000.0;
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  /** This node's devices as the cluster sees them: the CPU first, then each GPU, read now. */
  public List<DeviceInfo> describe() {
    List<DeviceInfo> infos = new ArrayList<>(gpus.size() + 1);
    infos.add(new DeviceInfo(Device.CPU.id(), "cpu", Device.CPU.name(), null, 0, 0, -1, false));
    for (DeviceReading r : snapshot()) {
      Device d = r.device();
      infos.add(
          new DeviceInfo(
              d.id(),
              d.kind().name().toLowerCase(Locale.ROOT),
              d.name(),
              d.uuid(),
              d.memoryBytes(),
              r.memoryFreeBytes(),
              r.utilizationPercent(),
              d.simulated()));
    }
    return infos;
  }

  /**
   * A GPU that NVML listed but cannot read now (fallen off the bus, driver reset) shows no free
   * memory.
   */
  private DeviceReading readNvml(Device d) {
    try {
      Nvml.Reading r = Nvml.read(d.index());
      if (failingReads.remove(d.id())) {
        log.info("GPU {} reads again through NVML", d.id());
      }
      return new DeviceReading(d, r.freeBytes(), r.utilizationPercent(), r.temperatureCelsius());
    } catch (IllegalStateException e) {
      if (failingReads.add(d.id())) {
        log.warn(
            "GPU {} ({}): {}; reporting it with no free memory until it reads again",
            d.id(),
            d.uuid(),
            e.getMessage());
      }
      return new DeviceReading(d, 0, -1, -1);
    }
  }
}
