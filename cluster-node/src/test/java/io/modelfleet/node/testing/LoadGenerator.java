package io.modelfleet.node.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady inference load from a few client threads, counting what every request got: a status
 * code, or "no answer" when the client's own deadline passed (which must never happen).
 */
public final class LoadGenerator implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final AtomicLong noAnswer = new AtomicLong();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  public LoadGenerator(List<String> urls, String body, int clients, Duration deadline) {
    this(urls, body, clients, deadline, Duration.ZERO);
  }

  /** As above, each client pausing {@code pause} after each answer (a steadier, lighter load). */
  public LoadGenerator(
      List<String> urls, String body, int clients, Duration deadline, Duration pause) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    for (int c = 0; c < clients; c++) {
      String url = urls.get(c % urls.size());
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    if (!pause.isZero()) {
                      Thread.sleep(pause.toMillis());
                    }
                    HttpResponse<String> r =
                        http.send(
                            TestKeys.authorize(HttpRequest.newBuilder(URI.create(url)))
                                .timeout(deadline)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    statuses
                        .computeIfAbsent(r.statusCode(), k -> new AtomicLong())
                        .incrementAndGet();
                    if (r.statusCode() != 200 && errors.size() < 20) {
                      errors.add(r.statusCode() + " " + r.body());
                    }
                  } catch (HttpTimeoutException e) {
                    noAnswer.incrementAndGet();
                  } catch (Exception e) {
                    // A refused connection is an answer too (explicit, immediate), counted apart.
                    statuses.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
                    if (errors.size() < 20) {
                      errors.add(e.toString());
                    }
                  }
                }
              },
              "load-" + c);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  public long count(int status) {
    AtomicLong n = statuses.get(status);
    return n == null ? 0 : n.get();
  }

  public long total() {
    return statuses.values().stream().mapToLong(AtomicLong::get).sum() + noAnswer.get();
  }

  public long noAnswer() {
    return noAnswer.get();
  }

  public long failed() {
    return total() - count(200);
  }

  public String summary() {
    return "statuses " + statuses + ", no answer " + noAnswer.get() + ", first errors " + errors;
  }

  /** Stops the load and waits for every client thread's last request to finish. */
  public void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(60_000);
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
