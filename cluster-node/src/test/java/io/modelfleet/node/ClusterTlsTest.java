package io.modelfleet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.node.testing.KeyStores;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * modelfleet.cluster.tls as Artery's configuration, and two actor systems in this JVM that form a
 * cluster over it, while one holding a key the others do not trust cannot join.
 */
class ClusterTlsTest {
  private static final String PASSWORD = "cluster-pass";

  @TempDir static Path dir;
  static Path nodeA;
  static Path nodeB;
  static Path stranger;
  static Path trust;

  @BeforeAll
  static void stores() throws Exception {
    nodeA = KeyStores.create(dir.resolve("a.p12"), PASSWORD, "node-a");
    nodeB = KeyStores.create(dir.resolve("b.p12"), PASSWORD, "node-b");
    stranger = KeyStores.create(dir.resolve("x.p12"), PASSWORD, "stranger");
    trust = KeyStores.trustStore(dir.resolve("trust.p12"), PASSWORD, nodeA, nodeB);
  }

  private static Map<String, Object> tls(Path key, Path trustStore) {
    Map<String, Object> m = new HashMap<>();
    m.put("modelfleet.cluster.tls.key-store", key.toString());
    m.put("modelfleet.cluster.tls.key-store-password", PASSWORD);
    m.put("modelfleet.cluster.tls.trust-store", trustStore.toString());
    m.put("modelfleet.cluster.tls.trust-store-password", PASSWORD);
    return m;
  }

  private static Config pekko(Map<String, Object> overrides) {
    Config root = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
    return ClusterSettings.pekkoOverrides(root).withFallback(root);
  }

  @Test
  void theEmbeddedDefaultKeepsRemotingPlainOnLoopback() {
    Config c = pekko(Map.of());
    assertEquals("tcp", c.getString("pekko.remote.artery.transport"));
    assertEquals("127.0.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
    assertFalse(ClusterTls.fromConfig(c).enabled());
  }

  @Test
  void aKeyStoreTurnsOnTlsTcpWithMutualAuthentication() {
    Config c = pekko(tls(nodeA, trust));
    assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
    assertEquals(
        "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider",
        c.getString("pekko.remote.artery.ssl.ssl-engine-provider"));
    String e = ClusterTls.ENGINE;
    assertTrue(c.getBoolean(e + "require-mutual-authentication"));
    assertEquals(nodeA.toString(), c.getString(e + "key-store"));
    assertEquals(trust.toString(), c.getString(e + "trust-store"));
    assertEquals(PASSWORD, c.getString(e + "key-password"), "the key password defaults");
    assertFalse(c.getBoolean(e + "hostname-verification"));
    assertFalse(ClusterTls.fromConfig(c).toString().contains(PASSWORD));
  }

  @Test
  void everyBadSettingIsNamedWithItsEnvironmentVariable() {
    Map<String, Object> wrong = tls(nodeA, trust);
    wrong.put("modelfleet.cluster.tls.key-store-password", "not-the-password");
    assertRefused(wrong, "MODELFLEET_CLUSTER_TLS_KEY_STORE_PASSWORD", "wrong password");

    Map<String, Object> wrongTrust = tls(nodeA, trust);
    wrongTrust.put("modelfleet.cluster.tls.trust-store-password", "not-the-password");
    assertRefused(wrongTrust, "MODELFLEET_CLUSTER_TLS_TRUST_STORE_PASSWORD", "wrong password");

    Map<String, Object> noTrust = tls(nodeA, trust);
    noTrust.put("modelfleet.cluster.tls.trust-store", "");
    assertRefused(noTrust, "MODELFLEET_CLUSTER_TLS_TRUST_STORE", "must be set");

    assertRefused(
        tls(dir.resolve("missing.p12"), trust), "MODELFLEET_CLUSTER_TLS_KEY_STORE", "not exist");
    assertRefused(tls(trust, trust), "MODELFLEET_CLUSTER_TLS_KEY_STORE", "no private key");
  }

  private static void assertRefused(Map<String, Object> overrides, String... words) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> pekko(overrides));
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), e.getMessage());
    }
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
  }

  private static ActorSystem<Void> system(String name, Path key) {
    Map<String, Object> m = tls(key, trust);
    m.put("pekko.actor.provider", "cluster");
    m.put("pekko.remote.artery.canonical.hostname", "127.0.0.1");
    m.put("pekko.remote.artery.canonical.port", 0);
    m.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    m.put("pekko.loglevel", "WARNING");
    return ActorSystem.create(Behaviors.empty(), "tls", pekko(m));
  }

  @Test
  void twoTrustedNodesFormAClusterAndAStrangerCannotJoin() throws Exception {
    ActorSystem<Void> a = system("a", nodeA);
    ActorSystem<Void> b = system("b", nodeB);
    ActorSystem<Void> x = system("x", stranger);
    try {
      Cluster ca = Cluster.get(a);
      ca.manager().tell(Join.create(ca.selfMember().address()));
      Cluster.get(b).manager().tell(Join.create(ca.selfMember().address()));
      Cluster.get(x).manager().tell(Join.create(ca.selfMember().address()));
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (upMembers(ca) < 2 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(2, upMembers(ca), "node b joins over mutually authenticated TLS");
      Thread.sleep(2000); // the stranger had as long as b, and more
      assertEquals(2, upMembers(ca), "the stranger's certificate is not trusted");
      assertFalse(
          Cluster.get(x).selfMember().status() == MemberStatus.up(), "the stranger is not Up");
    } finally {
      x.terminate();
      b.terminate();
      a.terminate();
    }
  }

  private static long upMembers(Cluster c) {
    return java.util.stream.StreamSupport.stream(c.state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }
}
