package io.modelfleet.ops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks deploy/prometheus with Prometheus's own promtool: the rules (with duplicate rules an
 * error), their unit tests on synthetic series, and the example configuration with its rule file.
 * Skipped, saying so, where promtool is not installed ({@code apt-get install prometheus}; {@code
 * .ci/run} installs it).
 */
class PromtoolTest {

  private static String promtool() {
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static void run(Path dir, String... args) throws Exception {
    String promtool = promtool();
    assumeTrue(
        promtool != null,
        "promtool is not installed, deploy/prometheus is not checked (apt-get install prometheus)");
    List<String> command = new ArrayList<>(List.of(promtool));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + out);
  }

  @Test
  void theRulesAreValid() throws Exception {
    run(
        DeployFiles.deploy().resolve("prometheus"),
        "check",
        "rules",
        "--lint-fatal",
        "modelfleet-rules.yml");
  }

  @Test
  void theRulesPassTheirUnitTests() throws Exception {
    run(DeployFiles.deploy().resolve("prometheus"), "test", "rules", "modelfleet-rules.test.yml");
  }

  /** The example reads the key from modelfleet.key beside it: a copy gets an empty one. */
  @Test
  void theExampleConfigurationIsValid(@TempDir Path dir) throws Exception {
    Path source = DeployFiles.deploy().resolve("prometheus");
    for (String f : List.of("prometheus.yml", "modelfleet-rules.yml")) {
      Files.copy(source.resolve(f), dir.resolve(f));
    }
    Files.writeString(dir.resolve("modelfleet.key"), "");
    run(dir, "check", "config", "--lint-fatal", "prometheus.yml");
  }

  @Test
  void promtoolIsFoundWhenInstalled() throws IOException {
    // Says in the test report whether the checks above ran.
    System.out.println(
        promtool() == null ? "promtool: not installed, checks skipped" : "promtool: " + promtool());
  }
}
