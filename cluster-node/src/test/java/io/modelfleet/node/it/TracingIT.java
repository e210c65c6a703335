package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.OtlpSpans;
import io.modelfleet.node.testing.OtlpSpans.SpanRecord;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces as an operator with an OpenTelemetry Collector sees them: a node configured with an OTLP
 * endpoint (here a plain HTTP server in the test that keeps what it is sent) exports, for an
 * inference that came with a W3C traceparent, the gateway's span as a child of the client's span
 * and the replica's queue and compute spans as children of the gateway's, all in the client's
 * trace; an inference without one starts its own trace.
 */
class TracingIT {
  private static final float[][] W = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}};
  private static final float[] B = {0.1f, -0.3f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";

  @TempDir static Path dir;
  static HttpServer collector;
  static final List<SpanRecord> received = new CopyOnWriteArrayList<>();
  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.addAll(OtlpSpans.parse(body));
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    node =
        FleetNode.start(
            TestNodes.config(
                dir,
                Map.of(
                    "modelfleet.ops.tracing.otlp-endpoint",
                    "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces",
                    "modelfleet.ops.tracing.export-delay",
                    "200ms")));
    http = new Http(node.baseUrl());
    assertEquals(201, http.put("/v1/models/m/versions/1", TestModels.linear(W, B)).status());
    assertEquals(
        202, http.post("/v1/models/m/deployments", "{\"version\":\"1\",\"replicas\":1}").status());
    http.await("/v2/models/m/ready", r -> r.status() == 200, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (collector != null) {
      collector.stop(0);
    }
  }

  @Test
  void anInferenceJoinsTheClientsTraceWithGatewayQueueAndComputeSpans() throws Exception {
    Http.Response r =
        http.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v2/models/m/infer"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(ROW)));
    assertEquals(200, r.status(), r.body());
    SpanRecord gateway = await(s -> s.traceId().equals(TRACE) && s.name().equals("infer m"));
    assertEquals(CLIENT_SPAN, gateway.parentSpanId(), "the gateway's span is the client's child");
    SpanRecord queue = await(s -> s.traceId().equals(TRACE) && s.name().equals("queue"));
    SpanRecord compute = await(s -> s.traceId().equals(TRACE) && s.name().equals("compute"));
    assertEquals(gateway.spanId(), queue.parentSpanId());
    assertEquals(gateway.spanId(), compute.parentSpanId());
  }

  @Test
  void anInferenceWithoutATraceparentStartsItsOwnTrace() throws Exception {
    int before = received.size();
    assertEquals(200, http.post("/v2/models/m/infer", ROW).status());
    SpanRecord root =
        await(
            s ->
                received.indexOf(s) >= before
                    && s.name().equals("infer m")
                    && s.parentSpanId().isEmpty());
    assertTrue(!root.traceId().equals(TRACE));
    await(s -> s.traceId().equals(root.traceId()) && s.name().equals("compute"));
  }

  private static SpanRecord await(Predicate<SpanRecord> p) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<SpanRecord> found = received.stream().filter(p).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no such span among " + received);
  }
}
