package io.modelfleet.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.observe.HttpObserver;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.protocol.metrics.PrometheusText;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;

/** What the installer puts on a node, with metrics on and off. */
class MetricsInstallerTest {

  @Test
  void offInstallsNothingAndLeavesTheRequestPathBare() {
    Config config =
        ConfigFactory.parseString("modelfleet.ops.metrics.enabled = off")
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(config);
    try {
      assertTrue(MetricsInstaller.install(kit.system(), config).isEmpty());
      Ops ops = Ops.get(kit.system());
      assertTrue(ops.find(NodeMetrics.class).isEmpty());
      assertSame(HttpObserver.NONE, ops.observers().http());
      assertSame(ReplicaObserver.NONE, ops.observers().openReplica("m", "1", "m/1/0", "cpu"));
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void onInstallsTheMetricsAndTheirObservers() {
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = cluster\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.remote.artery.canonical.port = 0")
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(config);
    try {
      NodeMetrics m = MetricsInstaller.install(kit.system(), config).orElseThrow();
      Ops ops = Ops.get(kit.system());
      assertSame(m, ops.find(NodeMetrics.class).orElseThrow());
      assertSame(m.http(), ops.observers().http());
      ReplicaObserver o = ops.observers().openReplica("m", "1", "m/1/0", "cpu");
      o.executed(1, 1, 0, 0, 0);
      o.succeeded(1_000);
      PrometheusText t = PrometheusText.parse(new String(m.scrape(), StandardCharsets.UTF_8));
      assertEquals(1, t.value("nv_inference_request_success", "model", "m"));
      assertTrue(t.value("nv_cpu_memory_total_bytes") > 0);
      assertEquals(0, t.value("modelfleet_cluster_is_leader"), "not joined: no leader");
      assertTrue(t.families().containsKey("jvm_threads_current"), t.families().keySet().toString());
    } finally {
      kit.shutdownTestKit();
    }
  }
}
