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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
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
 * <p>A moved replica restarts on its new node (sharding hands the shard off: the old copy drains
 * its in-flight requests, then the new one loads); gateways route to the version's other replicas
 * meanwhile.
 */
public final class DeploymentController {

  public sealed interface Command {}

  private record ModelChanged(String model) implements Command {}

  private record ModelRead(String model, ModelReply reply, Throwable failure) implements Command {}

  private record Data(Replicator.SubscribeResponse<?> response) implements Command {}

  private record Members(Object event) implements Command {}

  private record Resync() implements Command {}

  private record Round() implements Command {}

  private static final Object ROUND = "round";
  private static final Duration DEBOUNCE = Duration.ofMillis(100);
  /**
   * How long a removed member's replicas wait before they are placed again. The shard coordinator
   * learns that the member's region is gone a moment after the removal; a new location set before
   * that starts a hand-off from the dead region, which only ends at the hand-off timeout.
   */
  private static final Duration SETTLE_AFTER_REMOVAL = Duration.ofSeconds(2);

  public static Behavior<Command> create(JdbcReadJournal journal, Duration resyncInterval, Duration askTimeout) {
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
      var self = ctx.getSelf();
      String prefix = ModelCommand.TYPE_KEY.name() + "|";
      UniqueKillSwitch killSwitch = journal.eventsByTag(ModelEvent.TAG, Offset.noOffset())
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.foreach(env -> self.tell(new ModelChanged(env.persistenceId().substring(prefix.length())))),
              Keep.left())
          .run(ctx.getSystem());
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
  /** Replicas of removed members asked for again, until they show up live (or the grace ends). */
  private final Map<ReplicaId, Long> restarting = new HashMap<>();
  private static final Duration RESTART_GRACE = Duration.ofSeconds(20);

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
        .onSignal(PostStop.class, s -> {
          killSwitch.shutdown();
          return Behaviors.same();
        })
        .build();
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
      var replicator = DistributedData.get(ctx.getSystem()).replicator();
      for (ReplicaInfo r : live.values()) {
        if (address.equals(r.node())) {
          replicator.tell(new Replicator.Update<>(ReplicaDirectoryKey.KEY, LWWMap.empty(), Replicator.writeLocal(),
              ctx.getSystem().ignoreRef(), map -> map.remove(selfAddress, r.replicaId())));
        }
      }
      replicator.tell(new Replicator.Update<>(ClusterKeys.NODES, LWWMap.empty(), Replicator.writeLocal(),
          ctx.getSystem().ignoreRef(), map -> map.remove(selfAddress, address)));
      removedAt.put(address, System.nanoTime());
      timers.startSingleTimer("settled-" + address, new Round(), SETTLE_AFTER_REMOVAL.plusMillis(50));
      ctx.getLog().info("Member {} was removed; re-placing its replicas in {} ms", address, SETTLE_AFTER_REMOVAL.toMillis());
    }
    scheduleRound();
    return Behaviors.same();
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
    Reconciliation r = Reconciliation.compute(models.values(), liveNow, workers, draining, frozen, placed, 1);
    act(r, frozen, members);
    return Behaviors.same();
  }

  private boolean frozenReplica(ReplicaId id, Set<String> frozen) {
    Assignment a = placed.get(id);
    return a != null && frozen.contains(a.nodeAddress());
  }

  private void act(Reconciliation r, Set<String> frozen, Set<String> members) {
    Map<ReplicaId, Assignment> target = new HashMap<>(r.plan().assignments());
    for (Move move : r.moves()) {
      ctx.getLog().info("Moving replica {} from {} to {} for balance", move.replica(), move.from(), move.to());
      target.put(move.replica(), move.to());
    }
    var sharding = ClusterSharding.get(ctx.getSystem());
    var replicator = DistributedData.get(ctx.getSystem()).replicator();
    for (Map.Entry<ReplicaId, Assignment> e : target.entrySet()) {
      ReplicaId id = e.getKey();
      Assignment a = e.getValue();
      String entityId = id.entityId();
      Assignment before = placed.get(id);
      Long restartedAt = restarting.get(id);
      if (restartedAt != null) {
        boolean up = live.containsKey(entityId) && live.get(entityId).state() != ReplicaState.PENDING
            && members.contains(live.get(entityId).node());
        if (!up && System.nanoTime() - restartedAt < RESTART_GRACE.toNanos()) {
          // Wherever sharding is starting it, leave it there; it is placed once it is up.
          sharding.entityRefFor(ReplicaCommand.TYPE_KEY, entityId).tell(new ReplicaCommand.EnsureStarted());
          continue;
        }
        restarting.remove(id);
        if (up) {
          placed.put(id, new Assignment(live.get(entityId).node(), live.get(entityId).device()));
          continue;
        }
      }
      if (before != null && !members.contains(before.nodeAddress()) && !a.equals(before)) {
        // Its node is gone. Setting a new shard location now would start a hand-off from the dead
        // region, which waits for the hand-off timeout; asking for the entity instead lets sharding
        // start it at once (the allocation strategy falls back to a live region), and the next
        // round keeps it wherever it came up.
        ctx.getLog().info("Restarting replica {} of removed member {}", id, before.nodeAddress());
        placed.remove(id);
        restarting.put(id, System.nanoTime());
        sharding.entityRefFor(ReplicaCommand.TYPE_KEY, entityId).tell(new ReplicaCommand.EnsureStarted());
      } else if (!a.equals(before)) {
        ctx.getLog().info("Placing replica {} on {}", id, a);
        placed.put(id, a);
        replicator.tell(new Replicator.Update<>(ClusterKeys.PLACEMENTS, LWWMap.empty(), Replicator.writeLocal(),
            ctx.getSystem().ignoreRef(), map -> map.put(selfAddress, entityId, new ReplicaPlacement(entityId, a.nodeAddress(), a.deviceId()))));
        shardLocations.setShardLocation(entityId, AddressFromURIString.parse(a.nodeAddress()))
            .thenRun(() -> sharding.entityRefFor(ReplicaCommand.TYPE_KEY, entityId).tell(new ReplicaCommand.EnsureStarted()));
      } else {
        sharding.entityRefFor(ReplicaCommand.TYPE_KEY, entityId).tell(new ReplicaCommand.EnsureStarted());
      }
    }
    placed.keySet().removeIf(id -> !target.containsKey(id) && !frozenReplica(id, frozen));
    restarting.keySet().retainAll(target.keySet());
    for (Map.Entry<ReplicaId, String> p : r.plan().pending().entrySet()) {
      ReplicaId id = p.getKey();
      ReplicaInfo existing = live.get(id.entityId());
      if (existing == null || existing.state() == ReplicaState.PENDING) {
        ReplicaInfo pending = new ReplicaInfo(id.entityId(), id.model(), id.version(), null, null, ReplicaState.PENDING,
            p.getValue(), null, System.currentTimeMillis());
        if (!pending.equals(existing) && (existing == null || !p.getValue().equals(existing.reason()))) {
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
      info.ref().tell(new ReplicaCommand.Retire("no deployment wants replica " + info.replicaId()));
    }
    for (String address : r.drained()) {
      ctx.getLog().info("Member {} is drained; asking it to leave", address);
      Cluster.get(ctx.getSystem()).manager().tell(Leave.create(AddressFromURIString.parse(address)));
      replicator.tell(new Replicator.Update<>(ClusterKeys.DRAINING, ORSet.<String>empty(), Replicator.writeLocal(),
          ctx.getSystem().ignoreRef(), set -> set.remove(selfAddress, address)));
    }
  }
}
