package io.modelfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A node process of {@link HopBench}, with its own data directory and log. */
final class HopNode {
  final String name;
  final Process process;
  final Path dataDir;
  final Path log;
  final int remotePort;

  HopNode(String name, Process process, Path dataDir, Path log, int remotePort) {
    this.name = name;
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.remotePort = remotePort;
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not remove " + dataDir + ": " + e.getMessage());
    }
  }
}
