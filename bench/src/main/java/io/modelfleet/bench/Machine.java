package io.modelfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on, in one line each. */
final class Machine {

  private Machine() {}

  static String cores() {
    String cpu = "";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .map(m -> ", " + m)
              .orElse("");
    } catch (IOException | RuntimeException e) {
      // Not Linux: the core count alone will do.
    }
    return Runtime.getRuntime().availableProcessors() + " cores" + cpu + memory();
  }

  static String jvm() {
    return System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + " ("
        + System.getProperty("java.vm.vendor")
        + ")";
  }

  static String os() {
    return System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch");
  }

  private static String memory() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
      for (String l : lines) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          return String.format(", %.0f GiB RAM", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return "";
  }
}
