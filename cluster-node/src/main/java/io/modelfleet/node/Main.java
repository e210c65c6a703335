package io.modelfleet.node;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.security.SecuritySettings;
import io.modelfleet.node.demo.DemoModel;
import io.modelfleet.node.security.AccessControl;
import io.modelfleet.persistence.db.RegistryGuard;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts a node with the configuration on the classpath plus MODELFLEET_* environment variables.
 * The embedded default needs none: one node, H2 and artifacts under ./data, HTTP on port 8000.
 * SIGTERM stops it gracefully (Pekko's coordinated shutdown runs from the JVM shutdown hook).
 */
public final class Main {
  /** sysexits.h's "configuration error", which the registry guard's refusal also uses. */
  private static final int EX_CONFIG = 78;

  private Main() {}

  public static void main(String[] args) throws Exception {
    String format = System.getenv().getOrDefault("MODELFLEET_LOG_FORMAT", "text");
    if (!format.equals("text") && !format.equals("json")) {
      System.err.println(
          "ModelFleet cannot start: MODELFLEET_LOG_FORMAT must be text or json, got '"
              + format
              + "'");
      System.exit(EX_CONFIG);
      return;
    }
    FleetNode node;
    try {
      node = FleetNode.start(ConfigFactory.load());
    } catch (RegistryGuard.RegistryRefusedException e) {
      // Already logged; the operator sees the reason and the way out, not a stack trace.
      System.err.println(e.getMessage());
      System.exit(RegistryGuard.RegistryRefusedException.EXIT_CODE);
      return;
    } catch (IllegalArgumentException e) {
      // A setting the node cannot start with (a key store, a timeout): the sentence names it.
      System.err.println("ModelFleet cannot start: " + e.getMessage());
      System.exit(EX_CONFIG);
      return;
    }
    String base = node.baseUrl().replace("127.0.0.1", "localhost");
    System.out.println();
    System.out.println("ModelFleet is up at " + base + "  (data: " + node.dataDir() + ")");
    String bearer = bearer(node);
    if (bearer != null && bearer.startsWith("$(cat ")) {
      System.out.println(
          "The administrator key is in "
              + node.dataDir().resolve(AccessControl.ADMIN_KEY_FILE)
              + " (readable by you only); send it as \"Authorization: Bearer <key>\".");
    }
    if (node.system().settings().config().getBoolean("modelfleet.node.demo-model")) {
      System.out.println("Try an inference on the demo model:");
      System.out.println();
      System.out.println("  " + DemoModel.exampleCurl(base, bearer));
      System.out.println();
    }
    node.whenTerminated().get();
    System.exit(0);
  }

  /**
   * How the printed example passes the key: the administrator key file when this data directory has
   * one, the bootstrap variable when the key came from it, a placeholder otherwise; null when
   * security is off. Never the key itself: it must not end up in a terminal's scrollback or a log.
   */
  private static String bearer(FleetNode node) {
    if (!SecuritySettings.fromConfig(node.system().settings().config()).enabled()) {
      return null;
    }
    Path file = node.dataDir().resolve(AccessControl.ADMIN_KEY_FILE);
    if (Files.exists(file)) {
      return "$(cat " + file + ")";
    }
    if (System.getenv("MODELFLEET_BOOTSTRAP_ADMIN_KEY") != null) {
      return "$MODELFLEET_BOOTSTRAP_ADMIN_KEY";
    }
    return "<your key>";
  }
}
