package io.modelfleet.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An Alertmanager webhook receiver for tests: a JDK HTTP server on 127.0.0.1 that keeps every JSON
 * payload POSTed to {@code /hook} and answers 200.
 */
public final class WebhookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<JsonNode> payloads = new CopyOnWriteArrayList<>();

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/hook",
        ex -> {
          payloads.add(Http.JSON.readTree(ex.getRequestBody()));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** Payloads received so far, in order. */
  public List<JsonNode> payloads() {
    return List.copyOf(payloads);
  }

  /** The alerts of every payload of {@code status} with label {@code key} = {@code value}. */
  public List<JsonNode> alerts(String status, String alertName, String key, String value) {
    return payloads.stream()
        .filter(p -> status.equals(p.path("status").asText()))
        .flatMap(p -> java.util.stream.StreamSupport.stream(p.path("alerts").spliterator(), false))
        .filter(a -> alertName.equals(a.path("labels").path("alertname").asText()))
        .filter(a -> value.equals(a.path("labels").path(key).asText()))
        .toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
