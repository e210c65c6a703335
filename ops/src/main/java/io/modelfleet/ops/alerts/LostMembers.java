package io.modelfleet.ops.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which members are in trouble, round after round: unreachable now, or removed while unreachable
 * (the split-brain resolver, or an operator, downed them) and not back under the same address. A
 * member that leaves gracefully is never unreachable, so it is never counted. Without this memory a
 * crashed node's alert would resolve as soon as it is downed, some seconds after it died, which is
 * when it matters most. Mutable, used by the evaluator's actor only; time comes in as an argument.
 */
public final class LostMembers {
  private final Duration retention;
  private Set<String> unreachableBefore = Set.of();
  private final Map<String, Instant> removedAt = new HashMap<>();

  /**
   * @param retention how long a member removed while unreachable stays lost unless it rejoins (0:
   *     forgotten at once)
   */
  public LostMembers(Duration retention) {
    this.retention = retention;
  }

  /**
   * @param members addresses of the current members, any status
   * @param unreachable addresses of the members the failure detector marks unreachable
   */
  public List<MemberProblem> update(Set<String> members, Set<String> unreachable, Instant now) {
    for (String a : unreachableBefore) {
      if (!members.contains(a) && !retention.isZero()) {
        removedAt.putIfAbsent(a, now);
      }
    }
    removedAt
        .entrySet()
        .removeIf(
            e ->
                members.contains(e.getKey())
                    || !Duration.between(e.getValue(), now).minus(retention).isNegative());
    unreachableBefore = new HashSet<>(unreachable);
    List<MemberProblem> out = new ArrayList<>();
    for (String a : new TreeSet<>(unreachable)) {
      out.add(new MemberProblem(a, false));
    }
    for (String a : new TreeSet<>(removedAt.keySet())) {
      out.add(new MemberProblem(a, true));
    }
    return out;
  }
}
