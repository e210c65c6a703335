package io.modelfleet.protocol.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The design rules every module's build enforces on its main sources, so that the shape the project
 * chose (small files, typed actors, one direction between modules) cannot erode one commit at a
 * time. Each module has a {@code DesignRulesTest} that calls {@link #violations} on its own {@code
 * src/main/java} with the modules it may import, and fails listing every breach.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>no main source file over {@link #MAX_LINES} lines;
 *   <li>no {@code Behavior<Object>} or {@code AbstractBehavior<Object>}: every actor has a typed
 *       protocol;
 *   <li>imports of ModelFleet code only from the module itself and the modules below it (protocol ←
 *       persistence ← cluster-node; ops builds on protocol, the gateway on ops and protocol).
 * </ul>
 */
public final class DesignRules {

  public static final int MAX_LINES = 400;

  private static final Pattern UNTYPED_ACTOR =
      Pattern.compile("\\b(Abstract)?Behavior<\\s*Object\\s*>");
  private static final Pattern PROJECT_IMPORT =
      Pattern.compile("^\\s*import\\s+(?:static\\s+)?io\\.modelfleet\\.([a-z0-9_]+)\\.");

  private DesignRules() {}

  /**
   * Every breach of the rules in the Java files under {@code sourceRoot}, one line each, naming the
   * file (relative to the root), the line and the rule.
   *
   * @param allowedPackages the second segment of {@code io.modelfleet.<segment>} packages this
   *     module may import (its own and those of the modules it builds on)
   */
  public static List<String> violations(Path sourceRoot, Set<String> allowedPackages) {
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(sourceRoot)) {
      return found;
    }
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        check(
            sourceRoot.relativize(file).toString(),
            Files.readAllLines(file),
            allowedPackages,
            found);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  static void check(
      String name, List<String> lines, Set<String> allowedPackages, List<String> found) {
    if (lines.size() > MAX_LINES) {
      found.add(
          name + ": " + lines.size() + " lines, more than " + MAX_LINES + "; split it by idea");
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (UNTYPED_ACTOR.matcher(line).find()) {
        found.add(
            name + ":" + (i + 1) + ": an Object-typed actor; give it a sealed command interface");
      }
      Matcher m = PROJECT_IMPORT.matcher(line);
      if (m.find() && !allowedPackages.contains(m.group(1))) {
        found.add(
            name
                + ":"
                + (i + 1)
                + ": imports io.modelfleet."
                + m.group(1)
                + ", against the module direction (allowed here: "
                + allowedPackages
                + ")");
      }
    }
  }

  /** The module's main sources, from the directory the build runs its tests in. */
  public static Path mainSources() {
    return Path.of("src", "main", "java");
  }
}
