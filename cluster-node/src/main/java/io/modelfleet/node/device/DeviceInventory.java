package io.modelfleet.node.device;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The GPUs of this node. Asked before anything touches CUDA: ONNX Runtime lists the CUDA provider
 * even on hosts without a GPU, and {@code addCUDA} there costs seconds before it fails, so only a
 * GPU listed here is ever handed to the CUDA provider.
 *
 * <p>Detection reads the NVIDIA driver's {@code /proc/driver/nvidia/gpus/<bus>/information}
 * (model and UUID per GPU), which needs no native library. Memory and utilisation come with the
 * NVML-based inventory of the cluster issue; until then a real GPU's memory is reported as 0.
 */
public final class DeviceInventory {
  private final List<Device> gpus;
  private final String mode;

  private DeviceInventory(String mode, List<Device> gpus) {
    this.mode = mode;
    this.gpus = List.copyOf(gpus);
  }

  public static DeviceInventory fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.devices");
    String mode = c.getString("mode").toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "cpu-only" -> new DeviceInventory(mode, List.of());
      case "simulated" -> simulated(c.getInt("simulated-gpus"), c.getBytes("simulated-gpu-memory"));
      case "auto" -> new DeviceInventory(mode, probeNvidiaDriver(Path.of("/proc/driver/nvidia/gpus")));
      default -> throw new IllegalArgumentException(
          "modelfleet.devices.mode must be auto, cpu-only or simulated, got '" + mode + "'");
    };
  }

  public static DeviceInventory simulated(int count, long memoryBytes) {
    List<Device> gpus = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      gpus.add(new Device("sim-gpu:" + i, Device.Kind.GPU, i, "simulated GPU", "SIM-" + i, memoryBytes, true));
    }
    return new DeviceInventory("simulated", gpus);
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
}
