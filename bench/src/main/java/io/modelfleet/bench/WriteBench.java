package io.modelfleet.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registry write throughput: how many acknowledged writes per second one node takes, for uploads
 * (stream to the store, fsync, ONNX Runtime inspection, journal write) and for deployment changes
 * (a journal write only), at 1 and 8 concurrent clients. Rows for the embedded H2 registry as
 * shipped (every commit written before it is acknowledged), for H2 with its old 500 ms write delay
 * (the "before" of the kill -9 fix: faster, and it loses acknowledged writes), and for PostgreSQL
 * (embedded, fsync on). Run with {@code bench/writes.sh}.
 */
public final class WriteBench {
  private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("bench.window.s", 5));
  private static final int[] CLIENTS = {1, 8};

  private WriteBench() {}

  private record Row(
      String registry,
      String operation,
      int clients,
      double perSecond,
      double p50Ms,
      double p99Ms,
      long errors) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("bench.root", "."));
    Path results = root.resolve("bench/target/results");
    Files.createDirectories(results);
    List<Row> rows = new ArrayList<>();
    Path h2Dir = Files.createTempDirectory("modelfleet-writebench-h2-");
    rows.addAll(run(root, results, "H2 (WRITE_DELAY=0, as shipped)", List.of()));
    rows.addAll(
        run(
            root,
            results,
            "H2 with 500 ms write delay (before)",
            List.of(
                "-Dmodelfleet.database.url=jdbc:h2:file:"
                    + h2Dir.resolve("registry")
                    + ";DATABASE_TO_UPPER=false;WRITE_DELAY=500")));
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      rows.addAll(
          run(
              root,
              results,
              "PostgreSQL (embedded, fsync on)",
              List.of(
                  "-Dmodelfleet.database.url=" + pg.getJdbcUrl("postgres", "postgres"),
                  "-Dmodelfleet.database.user=postgres",
                  "-Dmodelfleet.database.password=postgres")));
    }
    StringBuilder out = new StringBuilder();
    out.append("Registry writes, ")
        .append(Instant.now())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, window ")
        .append(WINDOW.toSeconds())
        .append(" s per row\n\n");
    out.append(
        "| Registry | Write | Clients | acknowledged/s | p50 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append(
          String.format(
              "| %s | %s | %d | %.0f | %.1f | %.1f | %d |%n",
              r.registry(),
              r.operation(),
              r.clients(),
              r.perSecond(),
              r.p50Ms(),
              r.p99Ms(),
              r.errors()));
    }
    System.out.print(out);
    Files.writeString(results.resolve("writes.md"), out);
  }

  private static List<Row> run(Path root, Path results, String registry, List<String> jvmOptions)
      throws Exception {
    List<Row> rows = new ArrayList<>();
    try (ServedNode node = ServedNode.start(root, jvmOptions, results.resolve("writes-node.log"))) {
      node.awaitReady(Duration.ofSeconds(120));
      String base = "http://" + ServedNode.HOST + ":" + node.port();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      AtomicLong counter = new AtomicLong();
      for (int c = 0; c < 8; c++) {
        send(
            http,
            HttpRequest.newBuilder(URI.create(base + "/v1/models/dep-" + c + "/versions/1"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(OnnxGraphs.mlp(8, 1, -1 - c))),
            201);
      }
      for (int clients : CLIENTS) {
        rows.add(
            measure(
                registry,
                "upload (PUT version)",
                clients,
                client -> {
                  long n = counter.incrementAndGet();
                  return HttpRequest.newBuilder(
                          URI.create(base + "/v1/models/up-" + client + "/versions/" + n))
                      .PUT(HttpRequest.BodyPublishers.ofByteArray(OnnxGraphs.mlp(8, 1, n)));
                },
                http,
                201));
      }
      for (int clients : CLIENTS) {
        rows.add(
            measure(
                registry,
                "deployment change",
                clients,
                client -> {
                  long n = counter.incrementAndGet();
                  return HttpRequest.newBuilder(
                          URI.create(base + "/v1/models/dep-" + client + "/deployments"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\","
                                  + "\"max_batch_size\":4,\"dynamic_batching\":{\"max_queue_delay_microseconds\":"
                                  + (n % 100_000)
                                  + "}}"));
                },
                http,
                202));
      }
    }
    return rows;
  }

  private interface RequestFor {
    HttpRequest.Builder next(int client);
  }

  private static Row measure(
      String registry, String operation, int clients, RequestFor requests, HttpClient http, int ok)
      throws InterruptedException {
    long end = System.nanoTime() + WINDOW.toNanos();
    List<long[]> latencies = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      long[] lat = new long[1 << 20];
      latencies.add(lat);
      Thread t =
          new Thread(
              () -> {
                int i = 0;
                while (System.nanoTime() < end && i < lat.length) {
                  long start = System.nanoTime();
                  try {
                    if (send(http, requests.next(client), ok)) {
                      lat[i++] = System.nanoTime() - start;
                    } else {
                      errors.incrementAndGet();
                    }
                  } catch (IOException | InterruptedException e) {
                    errors.incrementAndGet();
                  }
                }
                lat[lat.length - 1] = i;
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] all =
        latencies.stream()
            .flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1]))
            .sorted()
            .toArray();
    double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1e6;
    double p99 =
        all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6;
    return new Row(
        registry,
        operation,
        clients,
        all.length / (double) WINDOW.toSeconds(),
        p50,
        p99,
        errors.get());
  }

  private static boolean send(HttpClient http, HttpRequest.Builder b, int ok)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            b.setHeader(BenchKey.HEADER, BenchKey.bearer()).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == ok;
  }
}
