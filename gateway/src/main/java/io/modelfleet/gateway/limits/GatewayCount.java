package io.modelfleet.gateway.limits;

import io.modelfleet.protocol.cluster.ClusterKeys;
import java.util.function.IntSupplier;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * The number of Up cluster members with the gateway role, as the {@link Limiter} reads it on every
 * request: one volatile read. Whoever watches membership (a cluster event subscriber) calls {@link
 * #update} with the current members; nothing here subscribes, so the limiter stays free of actors.
 * Before the first update, and whenever no gateway is Up yet (this node still joining), it answers
 * 1: the whole limit, the safe side for a lone gateway.
 *
 * <p>An unreachable gateway that is still Up keeps its share until it is downed: the others then
 * enforce too little for a while rather than too much.
 */
public final class GatewayCount implements IntSupplier {

  private volatile int count = 1;

  @Override
  public int getAsInt() {
    return count;
  }

  /** Sets the count directly (at least 1). */
  public void set(int gateways) {
    count = Math.max(1, gateways);
  }

  /** Counts the Up members with the gateway role among {@code members}. */
  public void update(Iterable<Member> members) {
    set(upGateways(members));
  }

  static int upGateways(Iterable<Member> members) {
    int n = 0;
    for (Member m : members) {
      if (m.status() == MemberStatus.up() && m.hasRole(ClusterKeys.ROLE_GATEWAY)) {
        n++;
      }
    }
    return n;
  }
}
