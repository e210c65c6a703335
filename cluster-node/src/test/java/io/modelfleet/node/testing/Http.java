package io.modelfleet.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP/1.1 client against a node, with JSON helpers. Every response is parsed as JSON. Every
 * request presents a key ({@link TestKeys#ADMIN} unless told otherwise), added in {@link #send} to
 * a request that carries no Authorization header of its own.
 */
public final class Http {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient client;
  private final String key;

  public Http(String base) {
    this(base, null);
  }

  /** A client for an HTTPS node that trusts what {@code tls} trusts (null: the JVM's default). */
  public Http(String base, SSLContext tls) {
    this(base, tls, TestKeys.ADMIN);
  }

  /**
   * As {@link #Http(String, SSLContext)}, presenting {@code key} as a bearer token on every request
   * (null: no credentials, as an anonymous caller).
   */
  public Http(String base, SSLContext tls, String key) {
    this.base = base;
    this.key = key;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    this.client = (tls == null ? b : b.sslContext(tls)).build();
  }

  /** The node's base URL, {@code http://host:port}. */
  public String base() {
    return base;
  }

  public record Response(int status, JsonNode json, String body) {
    public String error() {
      return json != null && json.has("error") ? json.get("error").asText() : null;
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Response post(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Response put(String path, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  /** Sends {@code b}, with this client's key unless {@code b} sets an Authorization header. */
  public Response send(HttpRequest.Builder b) {
    HttpRequest built = b.timeout(Duration.ofSeconds(60)).build();
    HttpRequest request = key == null ? built : TestKeys.authorize(built, key);
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (!r.body().isEmpty()) {
        try {
          json = JSON.readTree(r.body());
        } catch (IOException e) {
          throw new AssertionError("response to " + request.uri() + " is not JSON: " + r.body());
        }
      }
      return new Response(r.statusCode(), json, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls GET {@code path} until {@code until} holds, or fails after {@code timeout}. */
  public Response await(String path, Predicate<Response> until, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Response last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(path);
        if (until.test(last)) {
          return last;
        }
      } catch (UncheckedIOException e) {
        // node not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "timed out waiting on "
            + path
            + "; last response: "
            + (last == null ? "none" : last.status() + " " + last.body()));
  }

  /**
   * True when GET /v1/models/{m} lists exactly {@code n} replicas of {@code version}, all READY.
   */
  public static Predicate<Response> readyReplicas(String version, int n) {
    return r -> {
      if (r.status() != 200 || r.json() == null || !r.json().has("replicas")) {
        return false;
      }
      int ready = 0;
      for (JsonNode rep : r.json().get("replicas")) {
        if (version.equals(rep.path("version").asText())
            && "READY".equals(rep.path("state").asText())) {
          ready++;
        }
      }
      int ofVersion = 0;
      for (JsonNode rep : r.json().get("replicas")) {
        if (version.equals(rep.path("version").asText())) {
          ofVersion++;
        }
      }
      return ready == n && ofVersion == n;
    };
  }
}
