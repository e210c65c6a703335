package io.modelfleet.gateway.cluster;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.gateway.routing.ReplicaChooser;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.security.ModelTenants;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.service.MemberDrains;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster API under {@code /v1/cluster}.
 *
 * <ul>
 *   <li>{@code GET members}: every member with its status, reachability, devices, whether it is
 *       being drained and how many replicas it holds (see {@link MemberRow}).
 *   <li>{@code GET replicas}: every replica in this gateway's routing table, sorted by id. {@code
 *       in_flight} is this gateway's own count of requests outstanding at the replica, not a
 *       cluster-wide figure: other gateways keep their own.
 *   <li>{@code POST members/{address}/drain}: asks the deployment controller to add the member to
 *       the draining set, which it owns. The controller moves the member's replicas to other
 *       workers and then makes the member leave; this route only records the request. Refused with
 *       409 when the member is a worker and no other Up worker that is not draining would remain
 *       (see {@link DrainRules}): its replicas would have nowhere to go and the drain would never
 *       end.
 *   <li>{@code DELETE members/{address}/drain}: cancels a drain (200): the member leaves the
 *       draining set and takes replicas again; replicas already moved stay where they are, those
 *       not yet moved stay on it. 409 once the controller has asked the drained member to leave.
 *   <li>{@code POST members/{address}/leave} and {@code .../down}: Pekko's Leave (graceful: the
 *       member hands its shards over, then exits) and Down (for a member that is gone or must be
 *       removed at once).
 * </ul>
 *
 * {@code {address}} is the full address URL-encoded, or {@code host:port} (see {@link
 * MemberAddress}). The reads come from local snapshots (Pekko's membership view, the {@link
 * ClusterData} and the routing table); only a drain and its cancel talk to the controller ({@link
 * MemberDrains}).
 */
public final class ClusterRoutes extends RouteSupport {

  private static final Logger log = LoggerFactory.getLogger(ClusterRoutes.class);

  static final String DRAIN_MESSAGE =
      "its replicas move to other workers, then it leaves the cluster";
  static final String CANCEL_MESSAGE =
      "the drain is cancelled: the member takes replicas again; replicas already"
          + " moved stay where they are";
  static final String LEAVE_MESSAGE =
      "the member leaves the cluster: it hands its replicas over to the other members, then exits";
  static final String DOWN_MESSAGE =
      "the member is marked Down and removed from the cluster; its replicas are started on the other members";

  private final Cluster cluster;
  private final MemberDrains drains;
  private final ReplicaDirectory directory;
  private final ReplicaChooser chooser;
  private final ClusterData data;
  private final ModelTenants tenants;

  public ClusterRoutes(
      GatewaySettings settings,
      ActorSystem<?> system,
      ReplicaDirectory directory,
      ReplicaChooser chooser,
      ClusterData data,
      MemberDrains drains,
      ModelTenants tenants) {
    super(settings.maxJsonBody());
    this.tenants = tenants;
    this.cluster = Cluster.get(system);
    this.drains = drains;
    this.directory = directory;
    this.chooser = chooser;
    this.data = data;
  }

  public Route route(Caller caller) {
    return pathPrefix(
        segment("v1").slash("cluster"),
        () ->
            concat(
                pathPrefix(
                    "members",
                    () ->
                        concat(
                            pathEndOrSingleSlash(() -> get(() -> complete(members()))),
                            path(
                                segment().slash("drain"),
                                address ->
                                    concat(
                                        post(() -> respond(caller, drain(member(address)))),
                                        delete(
                                            () -> respond(caller, cancelDrain(member(address)))))),
                            path(
                                segment().slash("leave"),
                                address -> post(() -> complete(leave(member(address))))),
                            path(
                                segment().slash("down"),
                                address -> post(() -> complete(down(member(address))))))),
                path("replicas", () -> get(() -> complete(replicas(caller))))));
  }

  private HttpResponse members() {
    var rows =
        ClusterMembers.rows(cluster.state(), data.nodes(), data.draining(), directory.current());
    return Json.ok(g -> ClusterJson.members(rows, g));
  }

  /** The replicas of the models the caller sees (a tenant's keys only their tenant's). */
  private HttpResponse replicas(Caller caller) {
    var replicas =
        directory.current().all().stream()
            .filter(r -> caller.identity().sees(r.model(), tenants))
            .toList();
    return Json.ok(g -> ClusterJson.replicas(replicas, chooser::inFlight, g));
  }

  /** The member the path names; 404 naming every member when there is none. */
  private Address member(String given) {
    List<Address> members = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      members.add(m.address());
    }
    return MemberAddress.find(given, members)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "no member " + MemberAddress.decode(given) + "; members: " + members));
  }

  /**
   * Asks the deployment controller, the draining set's owner, to drain the member; it answers once
   * its majority write has ended. When no majority answered in time the write still stands on the
   * controller's node and gossip spreads it, so the request is accepted all the same; only a
   * failure to apply it at all is a server fault, and no answer at all a 503.
   */
  private CompletionStage<HttpResponse> drain(Address member) {
    String address = member.toString();
    Optional<String> refusal = DrainRules.drainRefusal(address, rulesMembers(), data.draining());
    if (refusal.isPresent()) {
      return CompletableFuture.failedFuture(ApiException.conflict(refusal.get()));
    }
    return unansweredIfLate(drains.drain(address), address)
        .thenApply(
            reply -> {
              requireWritten(reply);
              data.addDraining(address);
              log.info("member {} is to be drained", address);
              return Json.response(202, g -> ClusterJson.draining(address, DRAIN_MESSAGE, g));
            });
  }

  /**
   * Asks the controller to take the member out of the draining set, answered like the drain itself.
   * The controller then treats the member as eligible again.
   */
  private CompletionStage<HttpResponse> cancelDrain(Address member) {
    String address = member.toString();
    Optional<String> refusal = DrainRules.cancelRefusal(address, statusOf(member));
    if (refusal.isPresent()) {
      return CompletableFuture.failedFuture(ApiException.conflict(refusal.get()));
    }
    boolean wasDraining = data.draining().contains(address);
    return unansweredIfLate(drains.cancelDrain(address), address)
        .thenApply(
            reply -> {
              requireWritten(reply);
              data.removeDraining(address);
              log.info("drain of member {} cancelled (was draining: {})", address, wasDraining);
              String message =
                  wasDraining
                      ? CANCEL_MESSAGE
                      : "the member was not being drained; nothing changed";
              return Json.response(200, g -> ClusterJson.drainCancelled(address, message, g));
            });
  }

  /**
   * A drain the controller did not confirm in time (it may be restarting, or moving to another
   * node): the proxy keeps the request and the controller may still apply it, so the answer says so
   * rather than only "timed out".
   */
  private static CompletionStage<DrainReply> unansweredIfLate(
      CompletionStage<DrainReply> asked, String address) {
    return asked.exceptionally(
        e -> {
          if (ErrorHandling.unwrap(e) instanceof TimeoutException) {
            return new DrainReply.Unanswered(address);
          }
          throw e instanceof CompletionException ce ? ce : new CompletionException(e);
        });
  }

  /** Passes a written change (by a majority, or locally only); fails the request otherwise. */
  private static void requireWritten(DrainReply reply) {
    if (reply instanceof DrainReply.Unanswered) {
      throw ApiException.unavailable(
          "the deployment controller did not confirm the change of the draining set for "
              + reply.address()
              + " in time (it may be restarting or moving to another node); the change may still "
              + "take effect: check GET /v1/cluster/members, and repeat the request, which is safe");
    }
    if (reply instanceof DrainReply.Failed f) {
      throw new IllegalStateException(f.reason());
    }
  }

  private List<DrainRules.Member> rulesMembers() {
    List<DrainRules.Member> members = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      members.add(
          new DrainRules.Member(
              m.address().toString(), m.hasRole(ClusterKeys.ROLE_WORKER), m.status().toString()));
    }
    return members;
  }

  private String statusOf(Address member) {
    for (Member m : cluster.state().getMembers()) {
      if (m.address().equals(member)) {
        return m.status().toString();
      }
    }
    return "Removed";
  }

  private HttpResponse leave(Address member) {
    cluster.manager().tell(Leave.create(member));
    log.info("asked member {} to leave the cluster", member);
    return Json.response(202, g -> ClusterJson.accepted(member.toString(), LEAVE_MESSAGE, g));
  }

  private HttpResponse down(Address member) {
    cluster.manager().tell(new Down(member));
    log.warn("marked member {} as Down", member);
    return Json.response(202, g -> ClusterJson.accepted(member.toString(), DOWN_MESSAGE, g));
  }
}
