package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestModels;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2xx is a promise: a node process is killed with SIGKILL five times while concurrent clients
 * upload versions and change deployments, and restarted on the same data each time. After every
 * restart, every upload that was answered 201/200 is listed with its digest in {@code
 * /v1/models/{m}} and its request id is in {@code /history}; every deployment change that was
 * answered 202 is in the history, the current deployment is at least the last acknowledged one
 * (never older than what a client was told, never older than what was seen before), and the
 * history's changes are in the order the client made them. Once on the embedded H2 default and once
 * on PostgreSQL.
 */
class DurabilityIT {
  private static final int KILLS = 5;
  private static final int UPLOADERS = 2;
  private static final int DEPLOYERS = 2;
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir Path dataDir;

  @Test
  void acknowledgedWritesSurviveKill9OnH2() throws Exception {
    new Run(dataDir, Map.of()).run();
  }

  @Test
  void acknowledgedWritesSurviveKill9OnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      new Run(
              dataDir,
              Map.of(
                  "MODELFLEET_DB_URL", pg.getJdbcUrl("postgres", "postgres"),
                  "MODELFLEET_DB_USER", "postgres",
                  "MODELFLEET_DB_PASSWORD", "postgres"))
          .run();
    }
  }

  private record Upload(String model, String version, String digest, String requestId) {}

  /** One test's node, clients and what the clients were told. */
  private static final class Run {
    private final Path dataDir;
    private final Map<String, String> env;
    private final ConcurrentLinkedQueue<Upload> ackedUploads = new ConcurrentLinkedQueue<>();

    /** Per deployer model: request ids of changes answered 202. */
    private final Map<String, ConcurrentLinkedQueue<String>> ackedChanges =
        new ConcurrentHashMap<>();

    /** Per deployer model: the highest sequence number answered 202, and the highest ever sent. */
    private final Map<String, AtomicLong> ackedSeq = new ConcurrentHashMap<>();

    private final Map<String, AtomicLong> sentSeq = new ConcurrentHashMap<>();

    /** Per deployer model: the sequence number the last verification saw. */
    private final Map<String, Long> seen = new HashMap<>();

    private final AtomicLong uploadCounter = new AtomicLong();
    private int totalUploads;
    private int totalChanges;

    Run(Path dataDir, Map<String, String> env) {
      this.dataDir = dataDir;
      this.env = env;
    }

    void run() throws Exception {
      for (int kill = 0; kill <= KILLS; kill++) {
        NodeProcess node = NodeProcess.start(dataDir, env);
        try {
          Http http = new Http(node.baseUrl());
          awaitUp(node, http);
          verify(http, node, kill);
          if (kill == KILLS) {
            break;
          }
          if (kill == 0) {
            setUp(http);
          }
          load(node, http);
        } finally {
          node.close();
        }
      }
      System.out.printf(
          "durability: %d acknowledged uploads and %d acknowledged deployment changes checked after %d kill -9%n",
          totalUploads, totalChanges, KILLS);
      assertTrue(
          totalUploads >= 10 && totalChanges >= 10,
          "the clients got too few writes through to prove anything: "
              + totalUploads
              + " uploads, "
              + totalChanges
              + " changes");
    }

    private void awaitUp(NodeProcess node, Http http) {
      try {
        http.await("/v1/models", r -> r.status() == 200, START);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + node.log(), e);
      }
    }

    private void setUp(Http http) {
      for (int t = 0; t < DEPLOYERS; t++) {
        String model = "dep-" + t;
        Http.Response up =
            http.put(
                "/v1/models/" + model + "/versions/1",
                TestModels.linear(new float[][] {{1f}, {2f}}, new float[] {0f}));
        assertEquals(201, up.status(), up.body());
        ackedSeq.put(model, new AtomicLong());
        sentSeq.put(model, new AtomicLong());
        ackedChanges.put(model, new ConcurrentLinkedQueue<>());
        seen.put(model, 0L);
      }
    }

    /** Clients write until the node is killed at a random moment of a 1.5–3.5 s window. */
    private void load(NodeProcess node, Http http) throws Exception {
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < UPLOADERS; t++) {
        String model = "up-" + t;
        clients.add(
            started(
                () -> {
                  while (!stop.get()) {
                    uploadOnce(http, model);
                  }
                }));
      }
      for (int t = 0; t < DEPLOYERS; t++) {
        String model = "dep-" + t;
        clients.add(
            started(
                () -> {
                  while (!stop.get()) {
                    changeOnce(http, model);
                  }
                }));
      }
      Thread.sleep(ThreadLocalRandom.current().nextLong(1_500, 3_500));
      node.kill();
      stop.set(true);
      for (Thread c : clients) {
        c.join(30_000);
      }
    }

    private void uploadOnce(Http http, String model) {
      long n = uploadCounter.incrementAndGet();
      byte[] bytes = TestModels.linear(new float[][] {{n, 1f}, {2f, -n}}, new float[] {0.5f, n});
      String version = Long.toString(n);
      String requestId = "dur-" + model + "-" + n;
      try {
        Http.Response r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(http.base() + "/v1/models/" + model + "/versions/" + version))
                    .header("X-Request-Id", requestId)
                    .header("Content-Type", "application/octet-stream")
                    .timeout(Duration.ofSeconds(20))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        if (r.status() == 201 || r.status() == 200) {
          assertEquals(sha256(bytes), r.json().get("digest").asText(), r.body());
          ackedUploads.add(new Upload(model, version, sha256(bytes), requestId));
        }
      } catch (UncheckedIOException | AssertionError e) {
        // The node died under this request: not acknowledged, so nothing is promised.
        if (e instanceof AssertionError a && !a.getMessage().contains("is not JSON")) {
          throw a;
        }
      }
    }

    private void changeOnce(Http http, String model) {
      long seq = sentSeq.get(model).incrementAndGet();
      String requestId = "dur-" + model + "-" + seq;
      String body =
          "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":4,"
              + "\"dynamic_batching\":{\"max_queue_delay_microseconds\":"
              + seq
              + "}}";
      try {
        Http.Response r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(http.base() + "/v1/models/" + model + "/deployments"))
                    .header("X-Request-Id", requestId)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (r.status() == 202) {
          ackedSeq.get(model).accumulateAndGet(seq, Math::max);
          ackedChanges.get(model).add(requestId);
        }
      } catch (UncheckedIOException e) {
        // The node died under this request: not acknowledged.
      } catch (AssertionError e) {
        if (!e.getMessage().contains("is not JSON")) {
          throw e;
        }
      }
    }

    private void verify(Http http, NodeProcess node, int kills) {
      String context = " (after " + kills + " kill -9; node log:\n" + tail(node.log()) + ")";
      Map<String, JsonNode> views = new HashMap<>();
      Map<String, Set<String>> historyIds = new HashMap<>();
      Map<String, List<String>> historyOrder = new HashMap<>();
      Function<String, JsonNode> view =
          m ->
              views.computeIfAbsent(
                  m,
                  k -> {
                    Http.Response r = http.get("/v1/models/" + k);
                    assertEquals(200, r.status(), "model " + k + " is gone: " + r.body() + context);
                    return r.json();
                  });
      Function<String, Set<String>> ids =
          m ->
              historyIds.computeIfAbsent(
                  m,
                  k -> {
                    Http.Response r = http.get("/v1/models/" + k + "/history");
                    assertEquals(200, r.status(), r.body() + context);
                    Set<String> s = new HashSet<>();
                    List<String> order = new ArrayList<>();
                    for (JsonNode e : r.json().get("events")) {
                      s.add(e.path("request_id").asText());
                      if ("DeploymentSet".equals(e.path("event").asText())) {
                        order.add(e.path("request_id").asText());
                      }
                    }
                    historyOrder.put(k, order);
                    return s;
                  });

      for (Upload u : ackedUploads) {
        JsonNode found = null;
        for (JsonNode v : view.apply(u.model()).get("versions")) {
          if (u.version().equals(v.get("version").asText())) {
            found = v;
          }
        }
        assertTrue(
            found != null,
            "acknowledged upload " + u + " is missing from /v1/models/" + u.model() + context);
        assertEquals(u.digest(), found.get("digest").asText(), "digest of " + u + context);
        assertTrue(
            ids.apply(u.model()).contains(u.requestId()),
            "history of " + u.model() + " lacks " + u + context);
      }
      totalUploads = ackedUploads.size();

      totalChanges = 0;
      for (String model : ackedSeq.keySet()) {
        long current = -1;
        for (JsonNode d : view.apply(model).get("deployments")) {
          if ("1".equals(d.get("version").asText())) {
            current = d.path("dynamic_batching").path("max_queue_delay_microseconds").asLong(-1);
          }
        }
        long acked = ackedSeq.get(model).get();
        long sent = sentSeq.get(model).get();
        assertTrue(
            current >= acked && current <= sent,
            model
                + ": deployment is at change "
                + current
                + " but change "
                + acked
                + " was acknowledged (highest sent "
                + sent
                + ")"
                + context);
        assertTrue(
            current >= seen.get(model),
            model
                + ": deployment went back from change "
                + seen.get(model)
                + " to "
                + current
                + context);
        seen.put(model, current);
        for (String requestId : ackedChanges.get(model)) {
          assertTrue(
              ids.apply(model).contains(requestId),
              "history of " + model + " lacks acknowledged " + requestId + context);
          totalChanges++;
        }
        long last = 0;
        for (String requestId : historyOrder.getOrDefault(model, List.of())) {
          if (requestId.startsWith("dur-" + model + "-")) {
            long seq = Long.parseLong(requestId.substring(("dur-" + model + "-").length()));
            assertTrue(
                seq > last, model + ": history has change " + seq + " after " + last + context);
            last = seq;
          }
        }
      }
    }
  }

  private static Thread started(Runnable r) {
    Thread t = new Thread(r, "durability-client");
    t.start();
    return t;
  }

  private static String tail(String log) {
    String[] lines = log.split("\n");
    return String.join(
        "\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 30), lines.length));
  }

  private static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
