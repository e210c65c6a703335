package io.modelfleet.node;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.node.demo.DemoModel;
import io.modelfleet.persistence.db.RegistryGuard;

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
    if (node.system().settings().config().getBoolean("modelfleet.node.demo-model")) {
      System.out.println("Try an inference on the demo model:");
      System.out.println();
      System.out.println("  " + DemoModel.exampleCurl(base));
      System.out.println();
    }
    node.whenTerminated().get();
    System.exit(0);
  }
}
