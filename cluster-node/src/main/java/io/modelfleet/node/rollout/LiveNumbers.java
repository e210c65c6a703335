package io.modelfleet.node.rollout;

import io.modelfleet.node.cluster.Directories;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutLive;
import io.modelfleet.protocol.rollout.RolloutWindow;

/**
 * Publishes the controller's last measurement of each active rollout ({@link RolloutLive}), only
 * when it changed; a window-less judgement (between rounds) keeps the step's last window shown.
 */
final class LiveNumbers {
  private final Directories directories;

  LiveNumbers(Directories directories) {
    this.directories = directories;
  }

  void publish(String model, Rollout r, Tracker t, RolloutWindow window, Verdict v) {
    if (!r.state().active()) {
      return;
    }
    RolloutWindow shown = window;
    if (shown == null && t.published != null && t.published.step() == r.step()) {
      shown = t.published.window();
    }
    var now = new Tracker.RolloutLiveState(r.step(), shown, v.why());
    if (now.equals(t.published)) {
      return;
    }
    t.published = now;
    directories.putRolloutLive(new RolloutLive(model, r.id(), r.step(), shown, v.why()));
  }

  void remove(String model, String id) {
    directories.removeRolloutLive(model, id);
  }
}
