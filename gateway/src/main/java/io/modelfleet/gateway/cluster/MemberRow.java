package io.modelfleet.gateway.cluster;

import io.modelfleet.protocol.cluster.DeviceInfo;
import java.util.List;

/**
 * One member as {@code GET /v1/cluster/members} shows it.
 *
 * @param address the member's address ({@code pekko://system@host:port})
 * @param roles its roles, without Pekko's own {@code dc-} data-center role, sorted
 * @param status Pekko's member status: Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed, ...
 * @param reachable false while some member's failure detector considers it unreachable
 * @param leader whether it is the cluster leader (of this gateway's data center)
 * @param oldest whether it is the oldest Up or Leaving member of its data center, where cluster
 *     singletons such as the deployment controller run; null (left out) for a member in another
 *     status, which singletons never consider
 * @param draining whether an operator asked to drain it
 * @param devices what the node published about its devices; empty until it has published
 * @param replicas how many replicas (in any state) the routing table places on it
 */
public record MemberRow(
    String address,
    List<String> roles,
    String status,
    boolean reachable,
    boolean leader,
    Boolean oldest,
    boolean draining,
    List<DeviceInfo> devices,
    int replicas) {}
