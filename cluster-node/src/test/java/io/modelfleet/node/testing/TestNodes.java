package io.modelfleet.node.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Configuration for a node started inside a test: ephemeral ports, no metrics port, its own data
 * dir, no demo, and {@link TestKeys#ADMIN} as its first administrator key (unless {@code overrides}
 * sets one).
 */
public final class TestNodes {
  private TestNodes() {}

  public static Config config(Path dataDir, Map<String, Object> overrides) {
    Map<String, Object> base =
        new HashMap<>(
            Map.of(
                "modelfleet.data-dir", dataDir.toString(),
                "modelfleet.gateway.host", "127.0.0.1",
                "modelfleet.gateway.port", 0,
                "pekko.remote.artery.canonical.port", 0,
                "modelfleet.node.demo-model", false,
                "modelfleet.devices.mode", "cpu-only",
                "modelfleet.replica.min-backoff", "200ms",
                "modelfleet.replica.max-backoff", "2s",
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                "pekko.loglevel", "WARNING"));
    // No metrics port: nodes of one JVM would all claim 8002. /metrics stays on the HTTP port.
    base.put("modelfleet.ops.metrics.port", 0);
    // No gRPC port either (every node would claim 8001); GrpcIT names a free one.
    base.put("modelfleet.gateway.grpc.port", 0);
    base.put(TestKeys.SETTING, TestKeys.ADMIN);
    base.putAll(overrides);
    return ConfigFactory.parseMap(base).withFallback(ConfigFactory.load());
  }
}
