package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestNodes;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node MBean's drain taking effect: two nodes in this JVM (their MBeans told apart by {@code
 * port=}), and {@code drain()} invoked on the second one's MBean through the platform MBean server
 * (remote JMX itself is {@link JmxIT}'s). The drain is accepted, the member shows as draining, and
 * then, holding no replicas, it leaves the cluster and stops, as a drain over HTTP would.
 */
class JmxDrainIT {
  private static final Duration READY = Duration.ofSeconds(60);

  @TempDir Path dirA;
  @TempDir Path dirB;

  private static Map<String, Object> common() {
    Map<String, Object> c = new HashMap<>();
    c.put("modelfleet.node.shutdown-drain-timeout", "0s");
    c.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
    return c;
  }

  @Test
  void drainInvokedOnTheNodeMBeanMakesTheNodeLeave() throws Exception {
    try (FleetNode a = FleetNode.start(TestNodes.config(dirA, common()))) {
      Map<String, Object> cfg = common();
      cfg.put("modelfleet.cluster.seed-nodes", selfAddress(a));
      cfg.put(
          "modelfleet.database.url",
          "jdbc:h2:file:" + dirA.resolve("registry").toAbsolutePath() + ";DATABASE_TO_UPPER=false");
      cfg.put("modelfleet.database.user", "sa");
      cfg.put("modelfleet.database.create-schema", false);
      FleetNode b = FleetNode.start(TestNodes.config(dirB, cfg));
      try {
        Http http = new Http(a.baseUrl());
        http.await("/v1/cluster/members", r -> upMembers(r.json()) == 2, READY);
        String self = selfAddress(b);
        int port = Cluster.get(b.system()).selfMember().address().getPort().orElseThrow();
        ObjectName nodeB = new ObjectName("io.modelfleet:type=Node,port=" + port);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        assertEquals(self, server.getAttribute(nodeB, "Address"));
        assertEquals(false, server.getAttribute(nodeB, "Draining"));

        Object answer = server.invoke(nodeB, "drain", null, null);
        assertEquals(
            "node "
                + self
                + " is to be drained: its replicas move to other workers, then it leaves the"
                + " cluster (its process stops)",
            answer);

        // Holding no replicas, it leaves at once: its system terminates and A sees one member.
        b.whenTerminated().get(READY.toSeconds(), TimeUnit.SECONDS);
        http.await(
            "/v1/cluster/members", r -> addresses(r.json()).equals(List.of(selfAddress(a))), READY);
        ObjectName nodeA =
            new ObjectName(
                "io.modelfleet:type=Node,port="
                    + Cluster.get(a.system()).selfMember().address().getPort().orElseThrow());
        assertEquals(false, server.getAttribute(nodeA, "Draining"));
        assertTrue(!server.isRegistered(nodeB), "B's MBeans leave with it");
      } finally {
        if (!b.whenTerminated().isDone()) {
          b.close();
        }
      }
    }
  }

  private static String selfAddress(FleetNode node) {
    return Cluster.get(node.system()).selfMember().address().toString();
  }

  private static int upMembers(JsonNode members) {
    int n = 0;
    for (JsonNode m : members.get("members")) {
      if ("Up".equals(m.get("status").asText())) {
        n++;
      }
    }
    return n;
  }

  private static List<String> addresses(JsonNode members) {
    List<String> all = new ArrayList<>();
    members.get("members").forEach(m -> all.add(m.get("address").asText()));
    return all;
  }
}
