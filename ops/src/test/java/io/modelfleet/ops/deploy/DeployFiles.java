package io.modelfleet.ops.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's deploy/ directory is, seen from a module's build directory. */
final class DeployFiles {
  private DeployFiles() {}

  static Path deploy() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path d = p.resolve("deploy");
      if (Files.isDirectory(d.resolve("prometheus"))) {
        return d;
      }
    }
    throw new IllegalStateException("no deploy/prometheus above " + Path.of("").toAbsolutePath());
  }
}
