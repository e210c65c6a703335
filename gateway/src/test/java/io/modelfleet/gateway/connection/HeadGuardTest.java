package io.modelfleet.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link HeadGuard} and {@link BodyRate} run as real streams, with real (short) time. */
class HeadGuardTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("head-guard-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static ByteString bytes(String s) {
    return ByteString.fromString(s, StandardCharsets.ISO_8859_1);
  }

  private static Throwable failure(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aHeadTrickledFasterThanAnyIdleTimeoutStillEndsAtTheHeaderTimeout() throws Exception {
    long start = System.nanoTime();
    CompletionStage<List<ByteString>> run =
        Source.tick(Duration.ZERO, Duration.ofMillis(50), bytes("a"))
            .take(1000)
            .via(HeadGuard.flow(Duration.ofMillis(600)))
            .runWith(Sink.seq(), system);
    Throwable t = failure(run);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(HeadGuard.HeadTimeoutException.class, t);
    assertTrue(tookMs >= 550 && tookMs < 3000, "closed after " + tookMs + " ms");
  }

  @Test
  void pipelinedRequestsSplitOverManyChunksPassWhole() throws Exception {
    String requests =
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
    List<ByteString> chunks = new ArrayList<>();
    for (int i = 0; i < requests.length(); i += 4) {
      chunks.add(bytes(requests.substring(i, Math.min(requests.length(), i + 4))));
    }
    List<ByteString> out =
        Source.from(chunks)
            .via(HeadGuard.flow(Duration.ofSeconds(5)))
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    ByteString all = out.stream().reduce(ByteString.emptyByteString(), ByteString::concat);
    assertEquals(requests, all.decodeString(StandardCharsets.ISO_8859_1));
  }

  @Test
  void aKeptAliveConnectionIsNotTimedBeforeTheNextHeadBegins() throws Exception {
    // One whole request, then silence longer than the header timeout, then the next request.
    CompletionStage<List<ByteString>> run =
        Source.single(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
            .concat(
                Source.single(bytes("GET /again HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .initialDelay(Duration.ofMillis(800)))
            .via(HeadGuard.flow(Duration.ofMillis(300)))
            .runWith(Sink.seq(), system);
    assertEquals(2, run.toCompletableFuture().get(10, TimeUnit.SECONDS).size());
  }

  @Test
  void aStalledBodyFailsWith408AfterTheGracePeriod() throws Exception {
    long start = System.nanoTime();
    ApiFailure seen = new ApiFailure();
    CompletionStage<List<ByteString>> run =
        Source.tick(Duration.ZERO, Duration.ofMillis(200), bytes("x"))
            .take(100)
            .via(BodyRate.flow(1024, Duration.ofMillis(700), seen))
            .runWith(Sink.seq(), system);
    Throwable t = failure(run);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(ApiException.class, t);
    assertEquals(408, ((ApiException) t).status());
    assertTrue(seen.failure != null);
    assertTrue(tookMs >= 650 && tookMs < 3000, "failed after " + tookMs + " ms");
  }

  @Test
  void aFastBodyPassesWhateverItsSize() throws Exception {
    List<ByteString> out =
        Source.repeat(ByteString.fromArray(new byte[64 * 1024]))
            .take(200)
            .via(BodyRate.flow(1024, Duration.ofMillis(100), new ApiFailure()))
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(200, out.size());
  }

  @Test
  void theRateDeadlineGrowsWithTheBytesReceived() {
    long grace = Duration.ofSeconds(10).toNanos();
    assertEquals(grace, BodyRate.deadline(0, 1024, grace));
    assertEquals(grace, BodyRate.deadline(10 * 1024, 1024, grace));
    assertEquals(Duration.ofSeconds(20).toNanos(), BodyRate.deadline(20 * 1024, 1024, grace));
  }

  private static final class ApiFailure implements BodyRate.Listener {
    volatile ApiException failure;

    @Override
    public void timedOut(ApiException f) {
      failure = f;
    }
  }
}
