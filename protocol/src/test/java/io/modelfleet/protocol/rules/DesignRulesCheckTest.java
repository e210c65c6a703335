package io.modelfleet.protocol.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker itself: each rule fires on a breach and stays quiet on code that keeps it. */
class DesignRulesCheckTest {

  @TempDir Path root;

  @Test
  void aFileOverTheLimitIsNamed() throws IOException {
    write("a/Big.java", Collections.nCopies(DesignRules.MAX_LINES + 1, "// x"));
    write("a/Fits.java", Collections.nCopies(DesignRules.MAX_LINES, "// x"));
    List<String> found = DesignRules.violations(root, Set.of("protocol"));
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("a/Big.java: 401 lines"), found.get(0));
  }

  @Test
  void objectTypedActorsAreRefused() throws IOException {
    write("A.java", List.of("class A extends AbstractBehavior<Object> {}"));
    write("B.java", List.of("  static Behavior< Object > create() { return null; }"));
    write(
        "C.java",
        List.of(
            "  static Behavior<Command> create() { return null; }",
            "  Behavior<ObjectCommand> other;"));
    List<String> found = DesignRules.violations(root, Set.of("protocol"));
    assertEquals(
        List.of(
            "A.java:1: an Object-typed actor; give it a sealed command interface",
            "B.java:1: an Object-typed actor; give it a sealed command interface"),
        found);
  }

  @Test
  void importsAgainstTheModuleDirectionAreRefused() throws IOException {
    write(
        "G.java",
        List.of(
            "package io.modelfleet.gateway;",
            "import io.modelfleet.protocol.tensor.Tensor;",
            "import io.modelfleet.gateway.Json;",
            "import io.modelfleet.node.replica.ReplicaEntity;",
            "import static io.modelfleet.persistence.db.DatabaseSettings.X;"));
    List<String> found =
        new ArrayList<>(DesignRules.violations(root, Set.of("protocol", "gateway")));
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("G.java:4: imports io.modelfleet.node"), found.get(0));
    assertTrue(
        found.get(1).startsWith("G.java:5: imports io.modelfleet.persistence"), found.get(1));
  }

  @Test
  void aMissingSourceTreeHasNothingToBreak() {
    assertEquals(List.of(), DesignRules.violations(root.resolve("absent"), Set.of("ops")));
  }

  private void write(String name, List<String> lines) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, lines);
  }
}
