package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.cluster.DrainRules;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.JmxProbe;
import io.modelfleet.node.testing.KeyStores;
import io.modelfleet.node.testing.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JMX as an operator uses it: a node process started with MODELFLEET_JMX_PORT and a password, read
 * and driven from this JVM over RMI with {@link JMXConnectorFactory}, as JConsole does, reading
 * every attribute as an open type (no ModelFleet class involved on this side).
 */
class JmxIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final String PASSWORD = "it-jmx-password";
  private static final String MONITOR_PASSWORD = "it-jmx-monitor";
  private static final String STORE_PASSWORD = "it-store-pass";
  private static final int N = 25;
  private static final String DEMO_ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";

  @TempDir Path dir;

  private static JMXConnector connect(int port, String user, String password) throws Exception {
    return JMXConnectorFactory.connect(
        new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"),
        Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
  }

  @Test
  void countersMembershipAndDrainOverRemoteJmx() throws Exception {
    int jmxPort = NodeProcess.freePort();
    try (NodeProcess node =
        NodeProcess.start(
            dir.resolve("data"),
            Map.of(
                "MODELFLEET_DEMO_MODEL",
                "true",
                "MODELFLEET_JMX_PORT",
                Integer.toString(jmxPort),
                "MODELFLEET_JMX_PASSWORD",
                PASSWORD,
                "MODELFLEET_JMX_MONITOR_PASSWORD",
                MONITOR_PASSWORD))) {
      Http http = new Http(node.baseUrl());
      try {
        http.await("/v2/models/demo/ready", r -> r.status() == 200, START);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + node.log(), e);
      }
      for (int i = 0; i < N; i++) {
        Http.Response r = http.post("/v2/models/demo/infer", DEMO_ROW);
        assertEquals(200, r.status(), r.body());
      }
      assertTrue(
          node.awaitLog("remote JMX listening on 127.0.0.1:" + jmxPort, Duration.ofSeconds(10)),
          node.log());
      assertFalse(node.log().contains(PASSWORD), "no password in the log");
      assertFalse(node.log().contains(MONITOR_PASSWORD), "no password in the log");

      try (JMXConnector jmx = connect(jmxPort, "admin", PASSWORD)) {
        MBeanServerConnection c = jmx.getMBeanServerConnection();

        // The model: this node answered all N; one READY replica in the cluster, serving here.
        ObjectName model = new ObjectName("io.modelfleet:type=Model,name=demo");
        awaitAttribute(c, model, "RequestsTotal", (long) N);
        assertEquals((long) N, c.getAttribute(model, "RequestsInWindow"));
        assertEquals(0L, c.getAttribute(model, "FailuresTotal"));
        assertEquals(0.0, c.getAttribute(model, "ErrorRatio"));
        assertEquals(1, c.getAttribute(model, "ReadyReplicas"));
        assertEquals(1, c.getAttribute(model, "LocalReplicas"));
        assertEquals(0, c.getAttribute(model, "Pending"));
        assertArrayEquals(new String[] {"1"}, (String[]) c.getAttribute(model, "Versions"));
        double p50 = (double) c.getAttribute(model, "LatencyP50Ms");
        double p99 = (double) c.getAttribute(model, "LatencyP99Ms");
        assertTrue(p50 > 0 && p99 >= p50, "p50 " + p50 + " p99 " + p99);
        CompositeData[] versions = (CompositeData[]) c.getAttribute(model, "VersionStatistics");
        assertEquals((long) N, versions[0].get("requestsTotal"));

        // Its replica, under a quoted id.
        Set<ObjectName> replicas =
            c.queryNames(new ObjectName("io.modelfleet:type=Replica,model=demo,*"), null);
        assertEquals(1, replicas.size(), replicas.toString());
        ObjectName replica = replicas.iterator().next();
        assertTrue(replica.getKeyProperty("id").startsWith("\"demo/1/"), replica.toString());
        assertEquals((long) N, c.getAttribute(replica, "Requests"));
        assertEquals("READY", c.getAttribute(replica, "State"));
        assertEquals("cpu", c.getAttribute(replica, "Device"));

        // The node and the cluster.
        ObjectName nodeName = new ObjectName("io.modelfleet:type=Node");
        String self = (String) c.getAttribute(nodeName, "Address");
        assertTrue(self.startsWith("pekko://modelfleet@127.0.0.1:"), self);
        assertEquals(
            Set.of("gateway", "worker"), Set.of((String[]) c.getAttribute(nodeName, "Roles")));
        CompositeData[] devices = (CompositeData[]) c.getAttribute(nodeName, "Devices");
        assertEquals("cpu", devices[0].get("id"));
        assertEquals(false, c.getAttribute(nodeName, "Draining"));
        assertEquals(1, c.getAttribute(nodeName, "LocalReplicas"));
        assertTrue((long) c.getAttribute(nodeName, "UptimeSeconds") >= 0);

        ObjectName cluster = new ObjectName("io.modelfleet:type=Cluster");
        assertEquals(self, c.getAttribute(cluster, "SelfAddress"));
        assertEquals(self, c.getAttribute(cluster, "Leader"));
        assertEquals(true, c.getAttribute(cluster, "IsLeader"));
        assertEquals(1, c.getAttribute(cluster, "MemberCount"));
        assertEquals(0, c.getAttribute(cluster, "UnreachableCount"));
        CompositeData member = ((CompositeData[]) c.getAttribute(cluster, "Members"))[0];
        assertEquals("Up", member.get("status"));

        // Pekko's own cluster MBean.
        ObjectName pekko = new ObjectName("pekko:type=Cluster");
        assertEquals("Up", c.getAttribute(pekko, "MemberStatus"));
        assertEquals(self, c.getAttribute(pekko, "Leader"));

        // drain() takes the HTTP route's path: a lone worker's drain is refused with the route's
        // own sentence (its replicas would have nowhere to go), and nothing changes.
        String refusal =
            DrainRules.drainRefusal(
                    self, List.of(new DrainRules.Member(self, true, "Up")), Set.of())
                .orElseThrow();
        assertEquals("refused: " + refusal, c.invoke(nodeName, "drain", null, null));
        String hostPort = self.substring(self.indexOf('@') + 1);
        Http.Response viaHttp = http.post("/v1/cluster/members/" + hostPort + "/drain", "{}");
        assertEquals(409, viaHttp.status(), viaHttp.body());
        assertEquals(refusal, viaHttp.error());
        assertFalse(drainingOf(http, self));
        assertEquals(false, c.getAttribute(nodeName, "Draining"));
        assertEquals(
            "node " + self + " was not being drained; nothing changed",
            c.invoke(nodeName, "cancelDrain", null, null));
        assertEquals((long) N, c.getAttribute(model, "RequestsTotal"));
      }

      // The read-only user reads, and may not drain.
      try (JMXConnector monitor = connect(jmxPort, "monitor", MONITOR_PASSWORD)) {
        MBeanServerConnection c = monitor.getMBeanServerConnection();
        ObjectName nodeName = new ObjectName("io.modelfleet:type=Node");
        assertEquals(false, c.getAttribute(nodeName, "Draining"));
        assertThrows(SecurityException.class, () -> c.invoke(nodeName, "drain", null, null));
      }

      // A wrong password, or none, is refused.
      assertThrows(SecurityException.class, () -> connect(jmxPort, "admin", "not-" + PASSWORD));
      assertThrows(SecurityException.class, () -> connect(jmxPort, "monitor", PASSWORD));
      assertTrue(
          node.awaitLog("remote JMX login refused for user 'admin'", Duration.ofSeconds(10)),
          node.log());
      assertFalse(node.log().contains("not-" + PASSWORD), "no password in the log");
    }
  }

  @Test
  void aJmxPortWithoutAPasswordStopsTheNodeNamingTheSetting() throws Exception {
    try (NodeProcess node =
        NodeProcess.start(
            dir.resolve("data"),
            Map.of("MODELFLEET_JMX_PORT", Integer.toString(NodeProcess.freePort())))) {
      long deadline = System.nanoTime() + START.toNanos();
      while (node.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String log = node.log();
      assertFalse(node.isAlive(), "the node must not start without a JMX password; log:\n" + log);
      assertEquals(78, node.exitCode(), log);
      assertTrue(log.contains("MODELFLEET_JMX_PASSWORD"), log);
    }
  }

  @Test
  void overTlsAClientTrustingTheGatewaysCertificateConnectsAndOthersCannot() throws Exception {
    Path store = KeyStores.create(dir.resolve("node.p12"), STORE_PASSWORD, "localhost");
    Path trust = KeyStores.trustStore(dir.resolve("trust.p12"), STORE_PASSWORD, store);
    int jmxPort = NodeProcess.freePort();
    try (NodeProcess node =
        NodeProcess.start(
            dir.resolve("data"),
            Map.of(
                "MODELFLEET_DEMO_MODEL",
                "false",
                "MODELFLEET_TLS_KEY_STORE",
                store.toString(),
                "MODELFLEET_TLS_KEY_STORE_PASSWORD",
                STORE_PASSWORD,
                "MODELFLEET_JMX_TLS",
                "on",
                "MODELFLEET_JMX_PORT",
                Integer.toString(jmxPort),
                "MODELFLEET_JMX_PASSWORD",
                PASSWORD))) {
      Http https = new Http(node.httpsUrl(), KeyStores.trusting(store, STORE_PASSWORD));
      try {
        https.await("/v2/health/live", r -> r.status() == 200, START);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + node.log(), e);
      }
      assertTrue(
          node.awaitLog(
              "remote JMX listening on 127.0.0.1:" + jmxPort + " (TLS", Duration.ofSeconds(10)));

      // As JConsole with -J-Djavax.net.ssl.trustStore=... : connects and reads.
      String address = "127.0.0.1:" + jmxPort;
      ProbeResult trusted =
          probe(
              List.of(
                  "-Djavax.net.ssl.trustStore=" + trust,
                  "-Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD),
              address,
              PASSWORD);
      assertEquals(0, trusted.exit(), trusted.output());
      assertTrue(trusted.output().startsWith("pekko://modelfleet@127.0.0.1:"), trusted.output());

      // Without the trust store the handshake fails; plain RMI gets nowhere either.
      ProbeResult untrusted = probe(List.of(), address, PASSWORD);
      assertEquals(1, untrusted.exit(), untrusted.output());
      assertTrue(untrusted.output().contains("SSLHandshakeException"), untrusted.output());
      assertThrows(Exception.class, () -> connect(jmxPort, "admin", PASSWORD).close());
    }
  }

  private record ProbeResult(int exit, String output) {}

  /** Runs {@link JmxProbe} in its own JVM with {@code jvmArgs}, reading the Node's Address. */
  private static ProbeResult probe(List<String> jvmArgs, String address, String password)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            JmxProbe.class.getName(),
            address,
            "admin",
            password,
            "io.modelfleet:type=Node",
            "Address"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the JMX probe did not finish: " + out);
    }
    return new ProbeResult(p.exitValue(), out);
  }

  /** Whether GET /v1/cluster/members shows {@code address} as draining. */
  private static boolean drainingOf(Http http, String address) {
    Http.Response r = http.get("/v1/cluster/members");
    assertEquals(200, r.status(), r.body());
    for (JsonNode m : r.json().get("members")) {
      if (m.get("address").asText().equals(address)) {
        return m.get("draining").asBoolean();
      }
    }
    throw new AssertionError("no member " + address + " in " + r.body());
  }

  /**
   * Waits a few seconds for an attribute to reach {@code want}: a replica reports a request right
   * after answering it, so the last one may land just after its HTTP answer.
   */
  private static void awaitAttribute(
      MBeanServerConnection c, ObjectName name, String attribute, Object want) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Object got = null;
    while (System.nanoTime() < deadline) {
      try {
        got = c.getAttribute(name, attribute);
      } catch (javax.management.InstanceNotFoundException e) {
        got = "(not registered)";
      }
      if (want.equals(got)) {
        return;
      }
      Thread.sleep(50);
    }
    assertEquals(want, got, name + " " + attribute);
  }
}
