package io.modelfleet.ops.alerts.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.modelfleet.ops.alerts.notify.AlertmanagerJson.Notified;
import io.modelfleet.protocol.alerts.AlertInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifierTest {
  private HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // The first two attempts fail with 503; the third is taken.
    server.createContext(
        "/hook",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          int status = calls.incrementAndGet() <= 2 ? 503 : 200;
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private NotifySettings settings(int retries) {
    return new NotifySettings(
        List.of(),
        List.of(),
        "r",
        Duration.ofSeconds(2),
        retries,
        Duration.ofMillis(20),
        Duration.ofMinutes(1));
  }

  private URI hook() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=secret");
  }

  @Test
  void aFailedPostIsRetriedWithBackoffUntilItIsTaken() throws Exception {
    boolean ok =
        new Notifier(settings(3), "").post(hook(), "{}".getBytes()).get(10, TimeUnit.SECONDS);
    assertTrue(ok);
    assertEquals(3, calls.get());
    assertEquals(List.of("{}", "{}", "{}"), bodies);
  }

  @Test
  void afterTheLastRetryItGivesUpAndNeverBlocksTheCaller() throws Exception {
    long start = System.nanoTime();
    var done = new Notifier(settings(1), "").post(hook(), "{}".getBytes());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "post returns at once");
    assertFalse(done.get(10, TimeUnit.SECONDS));
    assertEquals(2, calls.get());
  }

  @Test
  void transitionsGoToEveryWebhookGroupedByStatusAndNameAndToAlertmanagersApi() throws Exception {
    List<String> paths = new CopyOnWriteArrayList<>();
    server.createContext(
        "/",
        ex -> {
          paths.add(ex.getRequestURI().getPath());
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    NotifySettings s =
        new NotifySettings(
            List.of(URI.create(base + "/receiver")),
            List.of(URI.create(base + "/am/")),
            "r",
            Duration.ofSeconds(2),
            0,
            Duration.ofMillis(20),
            Duration.ofMinutes(1));
    AlertInfo a =
        new AlertInfo("A", "warning", "firing", 1, 2, Map.of("alertname", "A"), Map.of(), 1, "n");
    AlertInfo b =
        new AlertInfo("B", "warning", "firing", 1, 2, Map.of("alertname", "B"), Map.of(), 1, "n");
    new Notifier(s, "")
        .send(
            List.of(
                new Notified(a, "firing", null),
                new Notified(b, "firing", null),
                new Notified(a, "resolved", Instant.ofEpochMilli(3))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (paths.size() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(
        List.of("/am/api/v2/alerts", "/receiver", "/receiver", "/receiver"),
        paths.stream().sorted().toList());
    assertTrue(bodies.stream().anyMatch(x -> x.startsWith("[")), "the API takes an array");
  }

  @Test
  void logsShowNoTokens() {
    assertEquals(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
        NotifySettings.redact(hook()));
    assertEquals("https://h/p", NotifySettings.redact(URI.create("https://user:pw@h/p?x=1#f")));
  }
}
