package io.modelfleet.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;

/**
 * The floor under the cluster hop: the round trip of a small message between two Pekko actor
 * systems over Artery TCP on 127.0.0.1, against the same round trip between two actors of one
 * system. No ModelFleet code is involved, so {@code bench/hop.sh}'s remote − local difference can
 * be read against what the transport alone costs on the same machine.
 *
 * <p>One message in flight at a time (like one client), a 256-byte payload (the size of a small
 * binary Infer), {@code bench.window.s} seconds per path after a warm-up, alternating rounds. The
 * other system runs in a second JVM, as a second node does ({@code -Dbench.same-jvm=true} puts it
 * in this one).
 */
public final class ArteryRoundTrip {

  /** Answers every byte[] with itself. */
  static final class Echo extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder().match(byte[].class, b -> getSender().tell(b, getSelf())).build();
    }
  }

  /**
   * Sends one message, waits for the answer, records the time, sends the next, until the deadline.
   */
  static final class Pinger extends AbstractActor {
    private final ActorRef target;
    private final byte[] payload = new byte[256];
    private final long[] samples;
    private final long deadline;
    private final CompletableFuture<long[]> done;
    private int n;
    private long sentAt;

    Pinger(ActorRef target, int capacity, long deadline, CompletableFuture<long[]> done) {
      this.target = target;
      this.samples = new long[capacity];
      this.deadline = deadline;
      this.done = done;
    }

    @Override
    public void preStart() {
      send();
    }

    private void send() {
      sentAt = System.nanoTime();
      target.tell(payload, getSelf());
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              byte[].class,
              b -> {
                long now = System.nanoTime();
                if (n < samples.length) {
                  samples[n++] = now - sentAt;
                }
                if (now < deadline && n < samples.length) {
                  send();
                } else {
                  done.complete(Arrays.copyOf(samples, n));
                  getContext().stop(getSelf());
                }
              })
          .build();
    }
  }

  private static Config config() {
    // -D options on the command line override (e.g.
    // -Dpekko.remote.artery.advanced.inbound-lanes=1).
    return ConfigFactory.systemProperties()
        .withFallback(
            ConfigFactory.parseString(
                """
        pekko.actor.provider = remote
        pekko.remote.artery.transport = tcp
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.loglevel = WARNING
        pekko.log-dead-letters = off
        # pekko-discovery 1.2.1 is on this classpath (see README, Decisions).
        pekko.fail-mixed-versions = off
        """))
        .withFallback(ConfigFactory.defaultReference());
  }

  private static long[] run(ActorSystem from, ActorRef target, Duration window) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + window.toNanos();
    from.actorOf(Props.create(Pinger.class, () -> new Pinger(target, 5_000_000, deadline, done)));
    return done.get(window.toSeconds() + 30, TimeUnit.SECONDS);
  }

  /**
   * The way a gateway asks: a new temporary reply actor per request (Patterns.ask), the caller
   * waiting on the future, so the worker resolves a reply path it has never seen each time.
   */
  private static long[] runAsk(ActorRef target, Duration window) throws Exception {
    byte[] payload = new byte[256];
    long[] samples = new long[5_000_000];
    int n = 0;
    long deadline = System.nanoTime() + window.toNanos();
    Duration timeout = Duration.ofSeconds(5);
    while (System.nanoTime() < deadline && n < samples.length) {
      long t0 = System.nanoTime();
      Patterns.ask(target, payload, timeout).toCompletableFuture().get(5, TimeUnit.SECONDS);
      samples[n++] = System.nanoTime() - t0;
    }
    return Arrays.copyOf(samples, n);
  }

  private static double p(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1000.0;
  }

  /** The echo side in its own JVM: prints its Artery port, then serves until stdin closes. */
  static void serve() throws Exception {
    ActorSystem b = ActorSystem.create("b", config());
    b.actorOf(Props.create(Echo.class), "echo");
    System.out.println("PORT " + b.provider().getDefaultAddress().getPort().get());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to close our stdin
    }
    b.terminate();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      serve();
      return;
    }
    Duration window = Duration.ofSeconds(Long.getLong("bench.window.s", 5));
    int rounds = Integer.getInteger("bench.rounds", 4);
    boolean sameJvm = Boolean.getBoolean("bench.same-jvm");
    ActorSystem a = ActorSystem.create("a", config());
    ActorSystem b = null;
    Process child = null;
    try {
      ActorRef localEcho = a.actorOf(Props.create(Echo.class), "echo");
      int port;
      if (sameJvm) {
        b = ActorSystem.create("b", config());
        b.actorOf(Props.create(Echo.class), "echo");
        port = b.provider().getDefaultAddress().getPort().get();
      } else {
        child =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    ArteryRoundTrip.class.getName(),
                    "serve")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        var out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
          // skip anything else it prints
        }
        if (line == null) {
          throw new IllegalStateException("the echo JVM exited before it printed its port");
        }
        port = Integer.parseInt(line.substring(5).trim());
      }
      String remotePath = "pekko://b@127.0.0.1:" + port + "/user/echo";
      ActorRef remoteEcho =
          a.actorSelection(remotePath)
              .resolveOne(Duration.ofSeconds(10))
              .toCompletableFuture()
              .get(15, TimeUnit.SECONDS);
      run(a, localEcho, Duration.ofSeconds(2));
      run(a, remoteEcho, Duration.ofSeconds(2));
      runAsk(remoteEcho, Duration.ofSeconds(2));
      runAsk(localEcho, Duration.ofSeconds(2));
      double bestLocal = Double.MAX_VALUE;
      double bestRemote = Double.MAX_VALUE;
      StringBuilder rows = new StringBuilder();
      for (int r = 1; r <= rounds; r++) {
        for (String mode : new String[] {"ask-local", "ask-remote"}) {
          long[] s = runAsk(mode.equals("ask-remote") ? remoteEcho : localEcho, window);
          Arrays.sort(s);
          rows.append(
              String.format(
                  Locale.ROOT,
                  "| %d | %s | %d | %.1f | %.1f |%n",
                  r,
                  mode.equals("ask-remote")
                      ? "ask from a waiting thread, other JVM"
                      : "ask from a waiting thread, same actor system",
                  s.length,
                  p(s, 0.5),
                  p(s, 0.99)));
        }
        for (boolean remote : new boolean[] {false, true}) {
          long[] s = run(a, remote ? remoteEcho : localEcho, window);
          Arrays.sort(s);
          double p50 = p(s, 0.5);
          if (remote) {
            bestRemote = Math.min(bestRemote, p50);
          } else {
            bestLocal = Math.min(bestLocal, p50);
          }
          rows.append(
              String.format(
                  Locale.ROOT,
                  "| %d | %s | %d | %.1f | %.1f |%n",
                  r,
                  remote
                      ? (sameJvm
                          ? "other actor system, same JVM, Artery TCP"
                          : "other JVM, Artery TCP")
                      : "same actor system",
                  s.length,
                  p50,
                  p(s, 0.99)));
        }
      }
      System.out.println("# Pekko round trip: same actor system vs Artery TCP on 127.0.0.1\n");
      System.out.println("- Date: " + Instant.now());
      System.out.println(
          "- Machine: "
              + Runtime.getRuntime().availableProcessors()
              + " cores; JVM "
              + System.getProperty("java.vm.name")
              + " "
              + System.getProperty("java.runtime.version"));
      System.out.println(
          "- 256-byte byte[] echoed, one in flight, " + window.toSeconds() + " s per row\n");
      System.out.println("| round | path | round trips | p50 µs | p99 µs |");
      System.out.println("|---:|---|---:|---:|---:|");
      System.out.print(rows);
      System.out.printf(
          Locale.ROOT,
          "%nArtery adds %.0f µs per round trip at p50 (best rounds: %.1f local, %.1f remote)%n",
          bestRemote - bestLocal,
          bestLocal,
          bestRemote);
    } finally {
      a.terminate();
      if (b != null) {
        b.terminate();
      }
      if (child != null) {
        child.getOutputStream().close();
        if (!child.waitFor(20, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      }
    }
  }
}
