package io.modelfleet.ops.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alert state machine, as Prometheus runs it, for one round of readings. Pure: the previous
 * alerts, the round's conditions and the time in; the next alerts and the transitions out.
 *
 * <pre>
 * before     this round's condition             after      transition
 * (none)     active, for = 0                    firing     FIRED
 * (none)     active, for &gt; 0                    pending    -
 * pending    active, held for &gt;= for            firing     FIRED
 * pending    active, held for less              pending    -
 * pending    inactive or absent                 (none)     -
 * firing     active                             firing     - (value and reason updated)
 * firing     inactive                           (none)     RESOLVED, with this round's reason
 * firing     absent (subject recovered, gone)   (none)     RESOLVED, with the last reading
 * any        cluster scope, not evaluated here  (none)     - (handed to the new leader)
 * </pre>
 */
public final class Evaluator {

  /** The alerts after a round, by {@link Condition#key()}, and what changed. */
  public record Evaluation(Map<String, ActiveAlert> alerts, List<Transition> transitions) {}

  private Evaluator() {}

  /**
   * @param clusterScope whether this node evaluated the cluster rules this round; when it did not
   *     (it is no longer the leader), its cluster alerts are dropped without a transition, since
   *     the new leader takes them over
   */
  public static Evaluation evaluate(
      Map<String, ActiveAlert> previous,
      List<Condition> conditions,
      Instant now,
      boolean clusterScope) {
    Map<String, ActiveAlert> next = new LinkedHashMap<>();
    List<Transition> transitions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Condition c : conditions) {
      String key = c.key();
      if (!seen.add(key)) {
        continue;
      }
      ActiveAlert before = previous.get(key);
      if (!c.active()) {
        if (before != null && before.firing()) {
          transitions.add(
              new Transition(
                  Transition.Kind.RESOLVED,
                  new ActiveAlert(c, before.activeAt(), before.firedAt()),
                  now));
        }
        continue;
      }
      Instant activeAt = before == null ? now : before.activeAt();
      Instant firedAt = before == null ? null : before.firedAt();
      if (firedAt == null && !held(activeAt, now).minus(c.forDuration()).isNegative()) {
        firedAt = now;
        ActiveAlert fired = new ActiveAlert(c, activeAt, firedAt);
        transitions.add(new Transition(Transition.Kind.FIRED, fired, now));
        next.put(key, fired);
      } else {
        next.put(key, new ActiveAlert(c, activeAt, firedAt));
      }
    }
    for (Map.Entry<String, ActiveAlert> e : previous.entrySet()) {
      ActiveAlert a = e.getValue();
      if (seen.contains(e.getKey()) || !a.firing()) {
        continue;
      }
      if (a.condition().scope() == Condition.Scope.CLUSTER && !clusterScope) {
        continue;
      }
      Condition last = a.condition();
      Condition gone =
          new Condition(
              last.name(),
              last.scope(),
              last.forDuration(),
              last.severity(),
              last.labels(),
              false,
              last.value(),
              last.summary(),
              "the condition no longer holds (the subject recovered or is gone); last reading: "
                  + last.reason());
      transitions.add(
          new Transition(
              Transition.Kind.RESOLVED, new ActiveAlert(gone, a.activeAt(), a.firedAt()), now));
    }
    return new Evaluation(next, transitions);
  }

  private static Duration held(Instant since, Instant now) {
    return Duration.between(since, now);
  }
}
