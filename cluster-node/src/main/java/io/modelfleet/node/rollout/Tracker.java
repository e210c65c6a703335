package io.modelfleet.node.rollout;

import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the rollout controller keeps about one rollout between rounds: the window's start readings
 * (per node), the analysis round in progress, whether a decision is on its way to the registry, and
 * the note its next decision carries after a fail-over. The window starts afresh whenever the
 * rollout enters another step (or state), and when the controller starts.
 */
final class Tracker {
  final String model;
  final String id;
  private String followed;
  private Map<String, NodeLoad> start;
  private Instant startAt;
  private long round;
  private int expected;
  private Map<String, NodeLoad> answers = new HashMap<>();
  private int answered;
  private Instant roundAt;
  boolean inFlight;
  RolloutLiveState published;
  String note;

  Tracker(String model, String id) {
    this.model = model;
    this.id = id;
  }

  /** Follows {@code r}: a new step (or state) starts a new window. */
  void follow(Rollout r) {
    String now = r.state() + "/" + r.step() + "/" + r.stepStartedAt();
    if (!now.equals(followed)) {
      followed = now;
      start = null;
      startAt = null;
      roundAt = null;
      answers = new HashMap<>();
      round++;
      expected = 0;
      answered = 0;
    }
  }

  boolean roundDue(Instant now, Duration interval) {
    return roundAt == null || !now.isBefore(roundAt.plus(interval));
  }

  boolean roundOpen() {
    return roundAt != null && answered < expected;
  }

  /** Opens a round expecting {@code probes} answers; returns its number. */
  long openRound(Instant now, int probes) {
    round++;
    roundAt = now;
    expected = probes;
    answered = 0;
    answers = new HashMap<>();
    return round;
  }

  /** Records an answer; true when it completed the round. */
  boolean answer(long inRound, NodeLoad load) {
    if (inRound != round || answered >= expected) {
      return false;
    }
    answered++;
    if (load != null) {
      answers.put(load.node(), load);
    }
    return answered >= expected;
  }

  /**
   * Closes the round: the window since the start readings, or null when this round is the start.
   */
  RolloutWindow close(Rollout r, Instant now) {
    answered = expected;
    if (start == null) {
      start = answers;
      startAt = now;
      return null;
    }
    return WindowNumbers.between(
        start,
        answers,
        model,
        r.spec().version(),
        r.baseline(),
        now,
        Duration.between(startAt, now).toMillis());
  }

  /** The note for the next decision (once). */
  String takeNote() {
    String n = note;
    note = null;
    return n == null ? "" : n;
  }

  /** What was last published, to publish only changes. */
  record RolloutLiveState(int step, RolloutWindow window, String why) {}
}
