package io.modelfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link HopBench} reads from a node over HTTP: Triton's statistics, and any JSON resource.
 */
final class ReplicaSideStats {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String HOST = ServedNode.HOST;

  private ReplicaSideStats() {}

  /**
   * The replicas' own time per request, from Triton's statistics over the whole run (warm-up
   * included): success is from the replica's receipt of the request to its reply, queue and compute
   * are its parts. What the client saw beyond this was spent outside the replica: HTTP, the
   * gateway, and for a remote replica the transport.
   */
  static String replicaSide(int port, Map<String, String> models) throws IOException {
    StringBuilder sb =
        new StringBuilder("\nReplica-side time per request (Triton statistics, whole run):\n\n");
    sb.append(
        "| path | requests | success µs | queue µs | compute µs |\n|---|---:|---:|---:|---:|\n");
    for (Map.Entry<String, String> e : new TreeMap<>(models).entrySet()) {
      JsonNode stats = get(port, "/v2/models/" + e.getValue() + "/stats").path("model_stats");
      long count = 0;
      double success = 0;
      double queue = 0;
      double compute = 0;
      for (JsonNode m : stats) {
        JsonNode in = m.path("inference_stats");
        count += in.path("success").path("count").asLong();
        success += in.path("success").path("ns").asDouble();
        queue += in.path("queue").path("ns").asDouble();
        compute +=
            in.path("compute_input").path("ns").asDouble()
                + in.path("compute_infer").path("ns").asDouble()
                + in.path("compute_output").path("ns").asDouble();
      }
      double n = Math.max(1, count);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f | %.1f | %.1f |%n",
              e.getKey(),
              count,
              success / n / 1000,
              queue / n / 1000,
              compute / n / 1000));
    }
    return sb.toString();
  }

  static JsonNode get(int port, String path) throws IOException {
    try (MiniHttpClient c = new MiniHttpClient(HOST, port, 10_000)) {
      int status = c.exchange(MiniHttpClient.authorized("GET", path, HOST, port, null, null));
      if (status != 200) {
        throw new IOException("GET " + path + " answered " + c.describe(status));
      }
      HttpResponseReader r = c.response();
      return MAPPER.readTree(r.body(), 0, r.bodyLength());
    }
  }
}
