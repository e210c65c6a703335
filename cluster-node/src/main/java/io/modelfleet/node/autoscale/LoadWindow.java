package io.modelfleet.node.autoscale;

import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.load.VersionLoad;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The last few rounds of load readings, turned into {@link LoadFigures} per model version. The
 * probes answer counters since their node started; this keeps each node's previous counters and
 * subtracts, so a round contributes what happened since the round before (a node whose counters
 * went down restarted, and counts from zero). Pure and single-threaded: the autoscaler feeds it one
 * complete round at a time.
 */
final class LoadWindow {

  /** One round's sums over the nodes for one version. */
  private record Sample(int inFlight, long requests, long queueNanos, int ready) {}

  private record Counters(long requests, long queueNanos) {}

  private final int rounds;
  private final Map<String, Deque<Sample>> samples = new HashMap<>();
  private final Map<String, Counters> last = new HashMap<>();
  private int seen;

  /**
   * @param rounds how many rounds the figures cover (at least 1)
   */
  LoadWindow(int rounds) {
    this.rounds = Math.max(1, rounds);
  }

  static String key(String model, String version) {
    return model + "/" + version;
  }

  /** One complete round: every node's answer. */
  void add(Collection<NodeLoad> round) {
    seen++;
    Map<String, long[]> sums = new HashMap<>();
    Set<String> seenCounters = new HashSet<>();
    for (NodeLoad node : round) {
      for (VersionLoad v : node.versions()) {
        String key = key(v.model(), v.version());
        String nodeKey = node.node() + "|" + key;
        seenCounters.add(nodeKey);
        Counters before = last.put(nodeKey, new Counters(v.requests(), v.queueNanos()));
        long requests = 0;
        long queue = 0;
        if (before != null) {
          boolean restarted =
              v.requests() < before.requests() || v.queueNanos() < before.queueNanos();
          requests = restarted ? v.requests() : v.requests() - before.requests();
          queue = restarted ? v.queueNanos() : v.queueNanos() - before.queueNanos();
        }
        long[] s = sums.computeIfAbsent(key, k -> new long[4]);
        s[0] += v.inFlight();
        s[1] += requests;
        s[2] += queue;
        s[3] += v.replicas();
      }
    }
    last.keySet().retainAll(seenCounters);
    Set<String> keys = new HashSet<>(samples.keySet());
    keys.addAll(sums.keySet());
    for (String key : keys) {
      long[] s = sums.getOrDefault(key, new long[4]);
      Deque<Sample> ring = samples.computeIfAbsent(key, k -> new ArrayDeque<>());
      ring.addLast(new Sample((int) s[0], s[1], s[2], (int) s[3]));
      while (ring.size() > rounds) {
        ring.removeFirst();
      }
    }
    // A version no node has served for a whole window has nothing left to say.
    samples.values().removeIf(ring -> ring.stream().allMatch(LoadWindow::empty));
  }

  private static boolean empty(Sample s) {
    return s.inFlight() == 0 && s.requests() == 0 && s.ready() == 0;
  }

  /** The figures of a version over the window; {@link LoadFigures#IDLE} when nothing is known. */
  LoadFigures figures(String model, String version) {
    Deque<Sample> ring = samples.get(key(model, version));
    if (ring == null || ring.isEmpty()) {
      return LoadFigures.IDLE;
    }
    double inFlight = 0;
    long requests = 0;
    long queue = 0;
    for (Sample s : ring) {
      inFlight += s.inFlight();
      requests += s.requests();
      queue += s.queueNanos();
    }
    Sample latest = ring.peekLast();
    return new LoadFigures(
        inFlight / ring.size(), latest.inFlight(), requests, queue, latest.ready());
  }

  /**
   * Whether the figures cover a whole window: the first round only gives each node's baseline
   * counters, so decisions wait for one round more than the window (after a start or a fail-over).
   */
  boolean warm() {
    return seen > rounds;
  }
}
