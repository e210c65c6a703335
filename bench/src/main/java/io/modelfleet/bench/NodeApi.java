package io.modelfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The management calls the bench makes on the served node, over the same minimal client: upload a
 * version, deploy it with or without dynamic batching, wait for its replica to be READY, and remove
 * the deployment so the next condition has the CPU to itself.
 */
public final class NodeApi implements AutoCloseable {

  public static final String VERSION = "1";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ORT =
      "\"ort\":{\"intra_op_threads\":"
          + RawOrt.INTRA_OP_THREADS
          + ",\"inter_op_threads\":"
          + RawOrt.INTER_OP_THREADS
          + "}";
  static final String BATCHING_ON =
      "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":64,"
          + "\"dynamic_batching\":{\"preferred_batch_size\":[16,32,64],\"max_queue_delay_microseconds\":2000,"
          + "\"max_queue_size\":4096},"
          + ORT
          + "}";
  static final String BATCHING_OFF =
      "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":0," + ORT + "}";

  /**
   * What a node without batching or session fields accepts; its default ORT options are the
   * bench's.
   */
  static final String PLAIN = "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\"}";

  private static final int TIMEOUT_MS = 120_000;

  /**
   * {@code bench.deployment.extra}: JSON members added to every deployment request, e.g. {@code
   * "instance_count":4} for a setting the bench does not know; one that names {@code "ort"}
   * replaces the bench's ORT options.
   */
  static final String EXTRA_PROPERTY = "bench.deployment.extra";

  private final MiniHttpClient client;
  private final int port;

  public NodeApi(int port) {
    this.port = port;
    this.client = new MiniHttpClient(ServedNode.HOST, port, TIMEOUT_MS);
  }

  /**
   * The result of deploying: {@code problem} null when it is serving; {@code note} says what was
   * deployed differently from the request (a refused field, so the plain form was used).
   */
  public record Deployed(String model, String problem, String note) {}

  public void upload(String model, byte[] onnx) throws IOException {
    int status =
        client.exchange(
            MiniHttpClient.authorized(
                "PUT",
                "/v1/models/" + model + "/versions/" + VERSION,
                ServedNode.HOST,
                port,
                "application/octet-stream",
                onnx));
    if (status != 201 && status != 200) {
      throw new IOException("upload of " + model + " answered " + client.describe(status));
    }
  }

  /**
   * Deploys version 1 with batching on or off. A node that refuses the batching fields (400) leaves
   * batching on unmeasurable; for batching off the plain form is tried next, which serves the same
   * thing (one request per run, the node's ORT defaults set to the bench's).
   */
  public Deployed deploy(String model, boolean batching, Duration readyTimeout)
      throws IOException, InterruptedException {
    int status = post(model, withExtra(batching ? BATCHING_ON : BATCHING_OFF));
    String note = null;
    if (status == 400 && !batching) {
      String refused = client.describe(status);
      status = post(model, PLAIN);
      note =
          "deployed without max_batch_size/ort (node answered "
              + refused
              + "); node-wide ORT options "
              + RawOrt.INTRA_OP_THREADS
              + "/"
              + RawOrt.INTER_OP_THREADS
              + " apply";
    }
    if (status / 100 != 2) {
      return new Deployed(model, "deployment refused, " + client.describe(status), note);
    }
    String problem = awaitReady(model, readyTimeout);
    return new Deployed(model, problem, note);
  }

  /**
   * Deploys version 1 without batching with {@code replicas} replicas and waits until that many are
   * READY on as many different nodes (placement spreads a version's replicas); null when they are,
   * else what was seen last.
   */
  public String deploySpread(String model, int replicas, Duration readyTimeout)
      throws IOException, InterruptedException {
    int status =
        post(model, withExtra(BATCHING_OFF.replace("\"replicas\":1", "\"replicas\":" + replicas)));
    if (status / 100 != 2) {
      return "deployment refused, " + client.describe(status);
    }
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    String last = "no replica listed";
    while (System.nanoTime() < deadline) {
      Set<String> nodes = new HashSet<>();
      int ready = 0;
      for (JsonNode r : replicas(model)) {
        if ("READY".equals(r.path("state").asText())) {
          ready++;
          nodes.add(r.path("node").asText());
        }
      }
      if (ready == replicas && nodes.size() == replicas) {
        return null;
      }
      last = ready + " READY on " + nodes;
      Thread.sleep(200);
    }
    return "not "
        + replicas
        + " READY replicas on as many nodes within "
        + readyTimeout
        + " ("
        + last
        + ")";
  }

  private static String withExtra(String body) {
    return withExtra(body, System.getProperty(EXTRA_PROPERTY));
  }

  /** {@code body} with the {@link #EXTRA_PROPERTY} members added. */
  static String withExtra(String body, String extra) {
    if (extra == null || extra.isBlank()) {
      return body;
    }
    String base = extra.contains("\"ort\"") ? body.replace("," + ORT, "") : body;
    return base.substring(0, base.lastIndexOf('}')) + "," + extra.trim() + "}";
  }

  private int post(String model, String body) throws IOException {
    return client.exchange(
        MiniHttpClient.authorized(
            "POST",
            "/v1/models/" + model + "/deployments",
            ServedNode.HOST,
            port,
            "application/json",
            body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Null once a replica of version 1 is READY; the reason when it FAILED or time ran out. */
  private String awaitReady(String model, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no replica listed";
    while (System.nanoTime() < deadline) {
      for (JsonNode r : replicas(model)) {
        if (!VERSION.equals(r.path("version").asText())) {
          continue;
        }
        String state = r.path("state").asText();
        if ("READY".equals(state)) {
          return null;
        }
        if ("FAILED".equals(state)) {
          return "replica FAILED: " + r.path("reason").asText("(no reason)");
        }
        last = "replica " + state;
      }
      Thread.sleep(200);
    }
    return "not READY within " + timeout + " (" + last + ")";
  }

  /** Removes the deployment and waits (up to 30 s) until no replica of the model is listed. */
  public void remove(String model) throws IOException, InterruptedException {
    int status =
        client.exchange(
            MiniHttpClient.authorized(
                "DELETE",
                "/v1/models/" + model + "/deployments/" + VERSION,
                ServedNode.HOST,
                port,
                null,
                null));
    if (status / 100 != 2) {
      int again = post(model, "{\"version\":\"1\",\"replicas\":0}");
      if (again / 100 != 2) {
        System.err.println("could not remove " + model + ": " + client.describe(again));
        return;
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && replicas(model).size() > 0) {
      Thread.sleep(200);
    }
  }

  private JsonNode replicas(String model) throws IOException {
    int status =
        client.exchange(
            MiniHttpClient.authorized(
                "GET", "/v1/models/" + model, ServedNode.HOST, port, null, null));
    if (status != 200) {
      throw new IOException("GET /v1/models/" + model + " answered " + client.describe(status));
    }
    HttpResponseReader r = client.response();
    return MAPPER.readTree(r.body(), 0, r.bodyLength()).path("replicas");
  }

  @Override
  public void close() {
    client.close();
  }
}
