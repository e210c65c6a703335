package io.modelfleet.node.placement;

import io.modelfleet.persistence.registry.ModelEvent;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import io.modelfleet.node.replica.ReplicaStarter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reconciles desired deployments with live replicas and decides where each replica runs
 * (cluster singleton on the workers).
 *
 * <p>Knows: every model (it follows the registry's tagged event stream, so any change or a replay
 * after a restart reaches it), the live replicas (replica directory), the workers and their
 * devices (node directory), the members an operator is draining, and cluster membership. Each
 * round, debounced after any change and at least every resync interval, it runs {@link
 * Reconciliation}: places every desired replica with {@link PlacementPlanner} (GPU bin packing,
 * spread across nodes, PENDING with a reason when nothing fits), sets the shard location of each
 * replica (sharding's external allocation strategy; one shard per replica) and its device in the
 * placement map, starts the replicas, retires the ones nobody wants, moves at most one replica
 * towards balance, removes the directory entries of members that left, and lets a drained member
 * leave.
 *
 * <p>Moves are make-before-break. A replica slot ("model/version/index") is served by one
 * incarnation, a sharding entity of its own; moving it (rebalancing, a drained member, a changed
 * device kind) starts the next incarnation ("model/version/index/2") on the target, waits until it
 * is READY, then retires the old one, which drains its in-flight requests and stops. A copy that
 * fails or is not READY within {@link Moves#TIMEOUT} is retired instead, and that slot is not
 * moved again for {@link Moves#COOLDOWN}. A replica whose node died has nothing left to keep, so
 * it is restarted at once. Entities are started from the node that should host them ({@link
 * ReplicaStarter}), so they never begin on the wrong node.
 */
public final class DeploymentController {

  public sealed interface Command {}

  private record ModelChanged(String model) implements Command {}

  private record ModelRead(String model, ModelReply reply, Throwable failure) implements Command {}

  private record Data(Replicator.SubscribeResponse<?> response) implements Command {}

  private record Members(Object event) implements Command {}

  private record Resync() implements Command {}

  private record Round() implements Command {}

  private record Starters(Receptionist.Listing listing) implements Command {}

  private record EventStreamEnded(Throwable failure) implements Command {}

  private static final Object ROUND = "round";
  private static final Duration DEBOUNCE = Duration.ofMillis(100);
  /**
   * How long a removed member's replicas wait before they are placed again. The shard coordinator
   * learns that the member's region is gone a moment after the removal; a new location set before
   * that starts a hand-off from the dead region, which only ends at the hand-off timeout.
   */
  private static final Duration SETTLE_AFTER_REMOVAL = Duration.ofSeconds(2);

  /**
   * A failure restarts the controller (with backoff) rather than stopping it: a singleton that
   * stopped would leave the cluster without placement until its node left. Everything it knows is
   * read again from the registry and the directories.
   */
  public static Behavior<Command> create(JdbcReadJournal journal, Duration resyncInterval, Duration askTimeout) {
    return Behaviors.supervise(behavior(journal, resyncInterval, askTimeout))
        .onFailure(Exception.class, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
  }

  private static Behavior<Command> behavior(JdbcReadJournal journal, Duration resyncInterval, Duration askTimeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // One adapter for every subscription: an actor has one message adapter per message class,
      // so a second ReplicatorMessageAdapter would silently replace the first. Data tells keys apart.
      @SuppressWarnings({"unchecked", "rawtypes"})
      org.apache.pekko.actor.typed.ActorRef<Replicator.SubscribeResponse> adapter =
          ctx.messageAdapter(Replicator.SubscribeResponse.class, Data::new);
      var replicator = DistributedData.get(ctx.getSystem()).replicator();
      subscribe(replicator, ReplicaDirectoryKey.KEY, adapter);
      subscribe(replicator, ClusterKeys.NODES, adapter);
      subscribe(replicator, ClusterKeys.DRAINING, adapter);
      var memberAdapter = ctx.messageAdapter(ClusterEvent.MemberEvent.class, Members::new);
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(memberAdapter, ClusterEvent.MemberEvent.class));
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(ReplicaStarter.KEY,
          ctx.messageAdapter(Receptionist.Listing.class, Starters::new)));
      var self = ctx.getSelf();
      String prefix = ModelCommand.TYPE_KEY.name() + "|";
      var stream = journal.eventsByTag(ModelEvent.TAG, Offset.noOffset())
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.foreach(env -> self.tell(new ModelChanged(env.persistenceId().substring(prefix.length())))),
              Keep.both())
          .run(ctx.getSystem());
      UniqueKillSwitch killSwitch = stream.first();
      // The stream is how the controller learns of every model; one that ended (a journal query
      // failed, or the read journal's sequence actor did not answer its 1 s ask on a loaded host)
      // would leave it deaf until it moved. A restart starts a fresh stream from the beginning.
      ctx.pipeToSelf(stream.second(), (done, failure) -> new EventStreamEnded(failure));
      timers.startTimerWithFixedDelay(new Resync(), resyncInterval);
      return new DeploymentController(ctx, timers, askTimeout).running(killSwitch);
    }));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void subscribe(org.apache.pekko.actor.typed.ActorRef<Replicator.Command> replicator,
      org.apache.pekko.cluster.ddata.Key<?> key, org.apache.pekko.actor.typed.ActorRef<Replicator.SubscribeResponse> adapter) {
    replicator.tell(new Replicator.Subscribe(key, (org.apache.pekko.actor.typed.ActorRef) adapter));
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final Duration askTimeout;
  private final ExternalShardAllocationClient shardLocations;
  private final SelfUniqueAddress selfAddress;
  private final Map<String, ModelView> models = new HashMap<>();
  private final Map<ReplicaId, Assignment> placed = new HashMap<>();
  private Map<String, ReplicaInfo> live = Map.of();
  private Map<String, NodeInfo> nodes = Map.of();
  private Set<String> draining = Set.of();
  private final Map<String, Long> removedAt = new HashMap<>();
  /** Nodes with directory entries that are not cluster members, and since when (see forgetUnknownNodes). */
  private final Map<String, Long> unknownSince = new HashMap<>();
  private static final Duration UNKNOWN_GRACE = Duration.ofSeconds(30);
  /** Replicas of removed members asked for again, until they show up live (or the grace ends). */
  private final Map<ReplicaId, Long> restarting = new HashMap<>();
  private static final Duration RESTART_GRACE = Duration.ofSeconds(20);
  /** Which incarnation serves each slot, and the moves in progress. */
  private final Moves moves = new Moves();
  /** The replica starter of each worker, by node address. */
  private Map<String, ActorRef<ReplicaStarter.Start>> starters = Map.of();

  private DeploymentController(ActorContext<Command> ctx, TimerScheduler<Command> timers, Duration askTimeout) {
    this.ctx = ctx;
    this.timers = timers;
    this.askTimeout = askTimeout;
    this.shardLocations = org.apache.pekko.cluster.sharding.external.ExternalShardAllocation.get(ctx.getSystem())
        .getClient(ReplicaCommand.TYPE_KEY.name());
    this.selfAddress = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
  }

  private Behavior<Command> running(UniqueKillSwitch killSwitch) {
    ctx.getLog().info("Deployment controller started on {}", Cluster.get(ctx.getSystem()).selfMember().address());
    return Behaviors.receive(Command.class)
        .onMessage(ModelChanged.class, m -> {
          askModel(m.model());
          return Behaviors.same();
        })
        .onMessage(ModelRead.class, this::onModelRead)
        .onMessage(Data.class, this::onData)
        .onMessage(Members.class, this::onMembers)
        .onMessage(Resync.class, m -> {
          models.keySet().forEach(this::askModel);
          scheduleRound();
          return Behaviors.same();
        })
        .onMessage(Round.class, m -> round())
        .onMessage(Starters.class, this::onStarters)
        .onMessage(EventStreamEnded.class, m -> {
          throw new IllegalStateException("the registry's event stream ended"
              + (m.failure() != null ? ": " + m.failure() : "") + "; restarting the controller to follow it again");
        })
        .onSignal(PostStop.class, s -> {
          killSwitch.shutdown();
          return Behaviors.same();
        })
        .onSignal(PreRestart.class, s -> {
          killSwitch.shutdown();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onStarters(Starters m) {
    String self = Cluster.get(ctx.getSystem()).selfMember().address().toString();
    Map<String, ActorRef<ReplicaStarter.Start>> byNode = new HashMap<>();
    for (ActorRef<ReplicaStarter.Start> ref : m.listing().getServiceInstances(ReplicaStarter.KEY)) {
      var address = ref.path().address();
      byNode.put(address.hasGlobalScope() ? address.toString() : self, ref);
    }
    starters = byNode;
    return Behaviors.same();
  }

  private void askModel(String model) {
    ctx.pipeToSelf(
        ClusterSharding.get(ctx.getSystem()).entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(ModelCommand.GetModel::new, askTimeout),
        (reply, failure) -> new ModelRead(model, reply, failure));
  }

  private Behavior<Command> onModelRead(ModelRead m) {
    if (m.failure() != null || !(m.reply() instanceof ModelReply.Current current)) {
      ctx.getLog().warn("Cannot read model {}: {}", m.model(), m.failure() != null ? m.failure().getMessage() : m.reply());
      return Behaviors.same();
    }
    models.put(m.model(), current.model());
    scheduleRound();
    return Behaviors.same();
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onData(Data d) {
    if (d.response() instanceof Replicator.Changed<?> c) {
      Object data = c.dataValue();
      if (c.key().equals(ReplicaDirectoryKey.KEY)) {
        live = new HashMap<>(((LWWMap<String, ReplicaInfo>) data).getEntries());
      } else if (c.key().equals(ClusterKeys.NODES)) {
        nodes = new HashMap<>(((LWWMap<String, NodeInfo>) data).getEntries());
      } else if (c.key().equals(ClusterKeys.DRAINING)) {
        draining = new HashSet<>(((ORSet<String>) data).getElements());
      }
      scheduleRound();
    }
    return Behaviors.same();
  }

  /** A member that left or was downed: forget its directory entries so nobody routes or places there. */
  private Behavior<Command> onMembers(Members m) {
    if (m.event() instanceof ClusterEvent.MemberRemoved removed) {
      String address = removed.member().address().toString();
      forgetNode(address);
      removedAt.put(address, System.nanoTime());
      timers.startSingleTimer("settled-" + address, new Round(), SETTLE_AFTER_REMOVAL.plusMillis(50));
      ctx.getLog().info("Member {} was removed; re-placing its replicas in {} ms", address, SETTLE_AFTER_REMOVAL.toMillis());
    }
    scheduleRound();
    return Behaviors.same();
  }

  /** Removes a departed node's entries from the replica and node directories. */
  private void forgetNode(String address) {
    var replicator = DistributedData.get(ctx.getSystem()).replicator();
    for (ReplicaInfo r : live.values()) {
      if (address.equals(r.node())) {
        replicator.tell(new Replicator.Update<>(ReplicaDirectoryKey.KEY, LWWMap.empty(), Replicator.writeLocal(),
            ctx.getSystem().ignoreRef(), map -> map.remove(selfAddress, r.replicaId())));
      }
    }
    replicator.tell(new Replicator.Update<>(ClusterKeys.NODES, LWWMap.empty(), Replicator.writeLocal(),
        ctx.getSystem().ignoreRef(), map -> map.remove(selfAddress, address)));
  }

  /**
   * Entries of nodes that are not members at all: left behind when a member was removed while no
   * controller was running to see it (the controller was on that member). Removed once the node
   * has been unknown for {@link #UNKNOWN_GRACE}, so that an entry gossiped ahead of its node's
   * membership is never taken for one.
   */
  private void forgetUnknownNodes(Set<String> allMembers, long now) {
    Set<String> unknown = new HashSet<>();
    live.values().forEach(r -> {
      if (r.node() != null && !allMembers.contains(r.node())) {
        unknown.add(r.node());
      }
    });
    nodes.keySet().stream().filter(a -> !allMembers.contains(a)).forEach(unknown::add);
    unknownSince.keySet().retainAll(unknown);
    for (String address : unknown) {
      long since = unknownSince.computeIfAbsent(address, a -> now);
      if (now - since > UNKNOWN_GRACE.toNanos()) {
        ctx.getLog().info("Forgetting the directory entries of {}, which is not a member", address);
        forgetNode(address);
        unknownSince.remove(address);
      }
    }
  }

  private void scheduleRound() {
    if (!timers.isTimerActive(ROUND)) {
      timers.startSingleTimer(ROUND, new Round(), DEBOUNCE);
    }
  }

  private Behavior<Command> round() {
    Set<String> members = new HashSet<>();
    Set<String> frozen = new HashSet<>();
    var state = Cluster.get(ctx.getSystem()).state();
    long now = System.nanoTime();
    removedAt.values().removeIf(t -> now - t > SETTLE_AFTER_REMOVAL.toNanos());
    frozen.addAll(removedAt.keySet());
    Set<String> allMembers = new HashSet<>();
    state.getMembers().forEach(mem -> allMembers.add(mem.address().toString()));
    forgetUnknownNodes(allMembers, now);
    Set<org.apache.pekko.cluster.Member> unreachable = new HashSet<>();
    state.getUnreachable().forEach(unreachable::add);
    state.getMembers().forEach(mem -> {
      String address = mem.address().toString();
      if (unreachable.contains(mem) || mem.status() == MemberStatus.down()) {
        frozen.add(address);
      } else if (mem.status() == MemberStatus.up() || mem.status() == MemberStatus.weaklyUp()) {
        members.add(address);
      }
    });
    var workers = nodes.values().stream().filter(n -> members.contains(n.address())).toList();
    var liveNow = live.values().stream().filter(r -> r.state() == ReplicaState.PENDING || members.contains(r.node())).toList();
    Map<ReplicaId, List<ReplicaInfo>> slots = Incarnations.bySlot(liveNow);
    apply(moves.progress(slots, members, System.nanoTime()));
    Set<String> surging = moves.newCopies();
    // The planner sees one entry per slot: the incarnation that serves it, not a copy being started.
    List<ReplicaInfo> forPlan = new ArrayList<>();
    liveNow.stream().filter(r -> r.state() == ReplicaState.PENDING || r.node() == null).forEach(forPlan::add);
    slots.forEach((slot, list) -> Incarnations.current(list, surging).ifPresent(cur -> {
      forPlan.add(cur);
      moves.learn(slot, Incarnations.generation(cur));
    }));
    // One rebalancing move at a time, cluster-wide: the next is planned once the last has finished.
    Reconciliation r = Reconciliation.compute(models.values(), forPlan, workers, draining, frozen, placed,
        moves.idle() ? 1 : 0);
    Set<ReplicaId> wanted = new HashSet<>(r.plan().assignments().keySet());
    wanted.addAll(r.plan().pending().keySet());
    apply(moves.dropUnwanted(wanted, slots, System.nanoTime()));
    act(r, frozen, members, slots, liveNow);
    return Behaviors.same();
  }

  /** Carries out what the moves decided: retirements, where slots are served now, the log. */
  private void apply(Moves.Outcome out) {
    out.log().forEach(line -> ctx.getLog().info(line));
    out.warnings().forEach(line -> ctx.getLog().warn(line));
    out.retire().forEach(r -> r.replica().ref().tell(new ReplicaCommand.Retire(r.reason())));
    placed.putAll(out.serving());
  }

  private long footprintOf(ReplicaId id) {
    ModelView m = models.get(id.model());
    var v = m == null ? null : m.versions().get(id.version());
    return v == null ? 0 : io.modelfleet.protocol.model.Footprint.estimate(v.size());
  }

  private boolean frozenReplica(ReplicaId id, Set<String> frozen) {
    Assignment a = placed.get(id);
    return a != null && frozen.contains(a.nodeAddress());
  }

  private String entityOf(ReplicaId slot) {
    return moves.serving(slot);
  }

  /** Starts (or keeps alive) a replica entity, from the node it should run on when that node is known. */
  private void start(String entityId, Assignment a) {
    ReplicaPlacement placement = new ReplicaPlacement(entityId, a.nodeAddress(), a.deviceId());
    var starter = starters.get(a.nodeAddress());
    if (starter != null) {
      starter.tell(new ReplicaStarter.Start(entityId, placement));
    } else {
      ClusterSharding.get(ctx.getSystem()).entityRefFor(ReplicaCommand.TYPE_KEY, entityId)
          .tell(new ReplicaCommand.EnsureStarted(placement));
    }
  }

  /** Records the device in the placement map and the node as the shard's location, then starts it there. */
  private void placeAndStart(String entityId, Assignment a) {
    var replicator = DistributedData.get(ctx.getSystem()).replicator();
    replicator.tell(new Replicator.Update<>(ClusterKeys.PLACEMENTS, LWWMap.empty(), Replicator.writeLocal(),
        ctx.getSystem().ignoreRef(), map -> map.put(selfAddress, entityId, new ReplicaPlacement(entityId, a.nodeAddress(), a.deviceId()))));
    shardLocations.setShardLocation(entityId, AddressFromURIString.parse(a.nodeAddress()))
        .thenRun(() -> start(entityId, a));
  }

  private void act(Reconciliation r, Set<String> frozen, Set<String> members, Map<ReplicaId, List<ReplicaInfo>> slots,
      List<ReplicaInfo> liveNow) {
    Map<ReplicaId, Assignment> target = new HashMap<>(r.plan().assignments());
    Map<ReplicaId, String> why = new HashMap<>();
    r.plan().displaced().forEach((id, from) -> why.put(id, "its place " + from + " is no longer eligible"));
    for (Move move : r.moves()) {
      target.put(move.replica(), move.to());
      why.put(move.replica(), "balance");
    }
    var replicator = DistributedData.get(ctx.getSystem()).replicator();
    long now = System.nanoTime();
    for (Map.Entry<ReplicaId, Assignment> e : target.entrySet()) {
      ReplicaId id = e.getKey();
      Assignment a = e.getValue();
      if (moves.moving(id)) {
        continue;
      }
      String entityId = entityOf(id);
      Assignment before = placed.get(id);
      Long restartedAt = restarting.get(id);
      if (restartedAt != null) {
        ReplicaInfo up = live.get(entityId);
        boolean isUp = up != null && up.state() != ReplicaState.PENDING && up.device() != null && members.contains(up.node());
        if (!isUp && now - restartedAt < RESTART_GRACE.toNanos()) {
          // Wherever sharding is starting it, leave it there; it is placed once it is up.
          start(entityId, a);
          continue;
        }
        restarting.remove(id);
        if (isUp) {
          Assignment where = new Assignment(up.node(), up.device());
          placed.put(id, where);
          // The shard is already there; recording it keeps a later member at the dead address from claiming it.
          shardLocations.setShardLocation(entityId, AddressFromURIString.parse(where.nodeAddress()));
          continue;
        }
      }
      boolean serving = slots.containsKey(id);
      if (before != null && !members.contains(before.nodeAddress()) && !a.equals(before)) {
        // Its node is gone, so nothing serves it: no copy to keep alive while a new one loads.
        // Setting a new shard location now would start a hand-off from the dead region, which
        // waits for the hand-off timeout; starting the entity from the target node instead lets
        // sharding start it at once there (the allocation strategy falls back to the asking
        // region), and a later round records wherever it came up.
        ctx.getLog().info("Restarting replica {} of removed member {} on {}", entityId, before.nodeAddress(), a.nodeAddress());
        placed.remove(id);
        restarting.put(id, now);
        start(entityId, a);
      } else if (before != null && !a.equals(before) && serving) {
        // Make-before-break: a new incarnation starts at the target while this one serves.
        String reason = why.getOrDefault(id, "placement changed");
        Assignment from = before;
        moves.begin(id, slots.get(id), a, reason, now).ifPresent(fresh -> {
          ctx.getLog().info("Moving replica {} from {} to {} ({}): starting {} there first", id, from, a, reason, fresh);
          placeAndStart(fresh.entityId(), a);
        });
      } else if (!a.equals(before)) {
        ctx.getLog().info("Placing replica {} on {}", entityId, a);
        placed.put(id, a);
        placeAndStart(entityId, a);
      } else {
        start(entityId, a);
      }
    }
    placed.keySet().removeIf(id -> !target.containsKey(id) && !frozenReplica(id, frozen));
    restarting.keySet().retainAll(target.keySet());
    for (Map.Entry<ReplicaId, String> p : r.plan().pending().entrySet()) {
      ReplicaId id = p.getKey();
      ReplicaInfo existing = live.get(id.entityId());
      if (!slots.containsKey(id) && (existing == null || existing.state() == ReplicaState.PENDING)) {
        ReplicaInfo pending = new ReplicaInfo(id.entityId(), id.model(), id.version(), null, null, ReplicaState.PENDING,
            p.getValue(), null, System.currentTimeMillis(), footprintOf(id));
        if (existing == null || !p.getValue().equals(existing.reason())) {
          replicator.tell(new Replicator.Update<>(ReplicaDirectoryKey.KEY, LWWMap.empty(), Replicator.writeLocal(),
              ctx.getSystem().ignoreRef(), map -> map.put(selfAddress, id.entityId(), pending)));
        }
      }
    }
    for (ReplicaInfo info : live.values()) {
      boolean stalePending = info.state() == ReplicaState.PENDING && !r.plan().pending().containsKey(ReplicaId.parse(info.replicaId()));
      if (stalePending && !target.containsKey(ReplicaId.parse(info.replicaId()))) {
        replicator.tell(new Replicator.Update<>(ReplicaDirectoryKey.KEY, LWWMap.empty(), Replicator.writeLocal(),
            ctx.getSystem().ignoreRef(), map -> map.remove(selfAddress, info.replicaId())));
      }
    }
    for (ReplicaInfo info : r.retire()) {
      // Every incarnation of an unwanted slot goes, not only the one that stood for it.
      for (ReplicaInfo inc : slots.getOrDefault(ReplicaId.parse(info.replicaId()), List.of(info))) {
        if (inc.state() != ReplicaState.DRAINING) {
          inc.ref().tell(new ReplicaCommand.Retire("no deployment wants replica " + inc.replicaId()));
        }
      }
    }
    for (String address : r.drained()) {
      // An old incarnation still draining its in-flight requests there keeps the member.
      if (liveNow.stream().anyMatch(i -> address.equals(i.node()) && i.state() != ReplicaState.PENDING)) {
        continue;
      }
      ctx.getLog().info("Member {} is drained; asking it to leave", address);
      Cluster.get(ctx.getSystem()).manager().tell(Leave.create(AddressFromURIString.parse(address)));
      replicator.tell(new Replicator.Update<>(ClusterKeys.DRAINING, ORSet.<String>empty(), Replicator.writeLocal(),
          ctx.getSystem().ignoreRef(), set -> set.remove(selfAddress, address)));
    }
  }
}
