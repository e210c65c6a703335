package io.modelfleet.node.rollout;

import io.modelfleet.protocol.rollout.RolloutChange;

/**
 * What {@link RolloutJudge} decided about a rollout: a change to ask the registry for ({@code
 * change} null: wait), and why, with the numbers behind it ("12 of 30 requests", "error ratio 0.2 >
 * max_error_ratio 0.01 (...)").
 */
record Verdict(RolloutChange change, String why) {

  static Verdict waiting(String why) {
    return new Verdict(null, why);
  }

  static Verdict act(RolloutChange change, String why) {
    return new Verdict(change, why);
  }

  boolean waits() {
    return change == null;
  }
}
