package io.modelfleet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How modelfleet.cluster becomes Pekko's seed-node, management and discovery settings. */
class ClusterSettingsTest {

  private static Config config(Map<String, Object> overrides) {
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
  }

  private static Config pekko(Map<String, Object> overrides) {
    Config root = config(overrides);
    return ClusterSettings.pekkoOverrides(root).withFallback(root);
  }

  @Test
  void theEmbeddedDefaultUsesNeitherSeedNodesNorBootstrap() {
    ClusterSettings s = ClusterSettings.fromConfig(config(Map.of()));
    assertTrue(s.seedNodes().isEmpty());
    assertFalse(s.bootstrap().enabled());
    assertFalse(ClusterSettings.pekkoOverrides(config(Map.of())).hasPath("pekko.management"));
  }

  @Test
  void configDiscoveryListsEveryContactPointWithItsOwnPort() {
    Config c =
        pekko(
            Map.of(
                "modelfleet.cluster.discovery", "config",
                "modelfleet.cluster.bootstrap.contact-points",
                    "127.0.0.1:9001, 127.0.0.1:9002,127.0.0.1:9003",
                "modelfleet.cluster.management.port", 9002,
                "pekko.remote.artery.canonical.hostname", "127.0.0.1"));
    assertEquals("config", c.getString("pekko.discovery.method"));
    List<? extends Config> endpoints =
        c.getConfigList("pekko.discovery.config.services.modelfleet.endpoints");
    assertEquals(List.of(9001, 9002, 9003), endpoints.stream().map(e -> e.getInt("port")).toList());
    assertEquals("127.0.0.1", endpoints.get(1).getString("host"));
    assertEquals("127.0.0.1", c.getString("pekko.management.http.hostname"));
    assertEquals(9002, c.getInt("pekko.management.http.port"));
    assertEquals(
        3,
        c.getInt(
            "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
    assertFalse(
        c.getBoolean("pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
    assertTrue(c.getList("pekko.cluster.seed-nodes").isEmpty());
  }

  @Test
  void kubernetesDiscoveryFindsPodsByLabelAndTheirNamedManagementPort() {
    Config c =
        pekko(
            Map.of(
                "modelfleet.cluster.discovery", "kubernetes-api",
                "modelfleet.cluster.management.hostname", "10.1.2.3"));
    assertEquals("kubernetes-api", c.getString("pekko.discovery.method"));
    assertEquals("app=%s", c.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
    assertEquals(
        "modelfleet",
        c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
    assertEquals(
        "management",
        c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.port-name"));
    assertEquals("10.1.2.3", c.getString("pekko.management.http.hostname"));
    assertEquals(8558, c.getInt("pekko.management.http.port"));
  }

  @Test
  void withoutAConfiguredRemoteHostManagementUsesItsOwnDefaultAddress() {
    Config c =
        pekko(
            Map.of(
                "modelfleet.cluster.discovery", "kubernetes-api",
                "pekko.remote.artery.canonical.hostname", "<getHostAddress>"));
    assertEquals("<hostname>", c.getString("pekko.management.http.hostname"));
  }

  @Test
  void seedNodesAndDiscoveryTogetherAreRefusedNamingBoth() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterSettings.fromConfig(
                    config(
                        Map.of(
                            "modelfleet.cluster.discovery", "kubernetes-api",
                            "modelfleet.cluster.seed-nodes",
                                "pekko://modelfleet@10.0.0.1:25520"))));
    assertTrue(
        e.getMessage().contains("MODELFLEET_SEED_NODES")
            && e.getMessage().contains("MODELFLEET_DISCOVERY"),
        e.getMessage());
  }

  @Test
  void anUnknownDiscoveryMethodIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterSettings.fromConfig(config(Map.of("modelfleet.cluster.discovery", "dns"))));
    assertTrue(e.getMessage().contains("modelfleet.cluster.discovery"), e.getMessage());
  }

  @Test
  void configDiscoveryWithFewerContactPointsThanRequiredIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterSettings.fromConfig(
                    config(
                        Map.of(
                            "modelfleet.cluster.discovery", "config",
                            "modelfleet.cluster.bootstrap.contact-points",
                                "127.0.0.1:9001,127.0.0.1:9002"))));
    assertTrue(e.getMessage().contains("required-contact-point-nr (3)"), e.getMessage());
  }

  @Test
  void aContactPointWithoutAPortIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterSettings.fromConfig(
                    config(
                        Map.of(
                            "modelfleet.cluster.discovery", "config",
                            "modelfleet.cluster.bootstrap.contact-points",
                                "node-a,node-b:8558,node-c:8558"))));
    assertTrue(e.getMessage().contains("'node-a'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterSettings.fromConfig(
                    config(
                        Map.of(
                            "modelfleet.cluster.discovery", "config",
                            "modelfleet.cluster.bootstrap.contact-points",
                                "node-a:85580,node-b:8558,node-c:8558"))));
    assertTrue(e.getMessage().contains("'node-a:85580'"), e.getMessage());
  }
}
