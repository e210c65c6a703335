package io.modelfleet.gateway.cluster;

import io.modelfleet.protocol.cluster.ClusterKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a drain may start or be cancelled. Pure: the routes hand it the membership as they see it
 * and turn a refusal into a 409.
 *
 * <pre>
 * request          refused when                                         because
 * drain m          m is a worker and no other Up worker is not draining  its replicas have nowhere to go:
 *                                                                        the drain would never end and
 *                                                                        the member never leave
 * cancel drain m   m is already Leaving, Exiting, Down or Removed        the controller has asked it to
 *                                                                        leave; that cannot be undone
 * </pre>
 *
 * A member without the worker role hosts no replicas, so draining it only makes it leave and is
 * never refused here.
 */
public final class DrainRules {

  /**
   * One member as the rules need it: its address, whether it is a worker, and its status ("Up",
   * ...).
   */
  public record Member(String address, boolean worker, String status) {}

  private DrainRules() {}

  /** Empty when {@code target} may be drained, else the sentence saying why not. */
  public static Optional<String> drainRefusal(
      String target, Collection<Member> members, Set<String> draining) {
    Member t = members.stream().filter(m -> m.address().equals(target)).findFirst().orElse(null);
    if (t == null || !t.worker()) {
      return Optional.empty();
    }
    List<String> others = new ArrayList<>();
    for (Member m : members) {
      if (!m.address().equals(target)
          && m.worker()
          && m.status().equals("Up")
          && !draining.contains(m.address())) {
        others.add(m.address());
      }
    }
    if (!others.isEmpty()) {
      return Optional.empty();
    }
    long drainingWorkers =
        members.stream()
            .filter(
                m -> m.worker() && !m.address().equals(target) && draining.contains(m.address()))
            .count();
    return Optional.of(
        "draining "
            + target
            + " would leave no "
            + ClusterKeys.ROLE_WORKER
            + " to move its replicas to: no other member is an Up worker that is not draining ("
            + drainingWorkers
            + " other worker(s) draining). Add a worker first, cancel another drain with"
            + " DELETE /v1/cluster/members/{address}/drain, or use leave to stop the member with its replicas");
  }

  /**
   * Empty when a drain of {@code target} (status as Pekko writes it) may be cancelled, else why
   * not.
   */
  public static Optional<String> cancelRefusal(String target, String status) {
    if (status.equals("Up") || status.equals("WeaklyUp") || status.equals("Joining")) {
      return Optional.empty();
    }
    return Optional.of(
        "member "
            + target
            + " is already "
            + status
            + ": its drain has finished and it was asked to leave, which cannot be cancelled");
  }
}
