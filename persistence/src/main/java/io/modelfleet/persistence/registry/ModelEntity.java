package io.modelfleet.persistence.registry;

import io.modelfleet.persistence.registry.ModelEvent.AlertChanged;
import io.modelfleet.persistence.registry.ModelEvent.DeploymentRemoved;
import io.modelfleet.persistence.registry.ModelEvent.DeploymentSet;
import io.modelfleet.persistence.registry.ModelEvent.ReplicaPlaced;
import io.modelfleet.persistence.registry.ModelEvent.VersionRegistered;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelCommand.ChangeRollout;
import io.modelfleet.protocol.model.ModelCommand.Deploy;
import io.modelfleet.protocol.model.ModelCommand.GetModel;
import io.modelfleet.protocol.model.ModelCommand.RecordAlert;
import io.modelfleet.protocol.model.ModelCommand.RecordPlacement;
import io.modelfleet.protocol.model.ModelCommand.RecordValidationFailure;
import io.modelfleet.protocol.model.ModelCommand.RegisterVersion;
import io.modelfleet.protocol.model.ModelCommand.RemoveAlias;
import io.modelfleet.protocol.model.ModelCommand.Scale;
import io.modelfleet.protocol.model.ModelCommand.SetAlias;
import io.modelfleet.protocol.model.ModelCommand.SetValidation;
import io.modelfleet.protocol.model.ModelCommand.StartRollout;
import io.modelfleet.protocol.model.ModelCommand.Undeploy;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelReply.Rejected;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.VersionInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The registry of one model (sharded, event-sourced, entity id = model name).
 *
 * <p>Owns the model's versions (artifact digest and signature), the desired deployment of each
 * version, and the last placement of each replica. Talked to by the gateway (register, deploy,
 * undeploy, read), by replica entities (placement reports) and by the deployment controller (read).
 * Every command answers; a command that changes nothing writes no event, so replaying the same
 * request is harmless and the history only holds real changes.
 *
 * <p>Its state is snapshotted every {@code modelfleet.registry.snapshot-every} events so that
 * recovery reads one snapshot and the events after it, not the whole journal of a long-lived model.
 * Events are never deleted: the history endpoint reads every one of them.
 */
public final class ModelEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ModelCommand, ModelEvent, ModelState> {

  private final String name;
  private final RegistrySettings settings;

  public static ModelEntity create(String modelName, RegistrySettings settings) {
    return new ModelEntity(modelName, settings);
  }

  /**
   * Starts this entity's sharding on {@code system}: entities on members with {@code role}, a proxy
   * on the others. The registry is read on demand, so nothing is remembered.
   */
  public static void initSharding(ActorSystem<?> system, String role) {
    RegistrySettings settings = RegistrySettings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(
            Entity.of(ModelCommand.TYPE_KEY, ec -> create(ec.getEntityId(), settings))
                .withRole(role)
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(false)));
  }

  public static PersistenceId persistenceId(String modelName) {
    return PersistenceId.of(ModelCommand.TYPE_KEY.name(), modelName);
  }

  private ModelEntity(String name, RegistrySettings settings) {
    super(persistenceId(name));
    this.name = name;
    this.settings = settings;
  }

  @Override
  public ModelState emptyState() {
    return ModelState.empty(name);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return settings.retention();
  }

  @Override
  public Set<String> tagsFor(ModelEvent event) {
    return event instanceof AlertChanged || event instanceof ModelEvent.ValidationFailed
        ? Set.of()
        : Set.of(ModelEvent.TAG);
  }

  @Override
  public CommandHandlerWithReply<ModelCommand, ModelEvent, ModelState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RegisterVersion.class, this::onRegisterVersion)
        .onCommand(Deploy.class, this::onDeploy)
        .onCommand(Undeploy.class, this::onUndeploy)
        .onCommand(Scale.class, (s, c) -> Scaling.scale(this, s, c))
        .onCommand(RecordPlacement.class, this::onRecordPlacement)
        .onCommand(RecordAlert.class, this::onRecordAlert)
        .onCommand(SetAlias.class, (s, c) -> Aliases.set(this, s, c))
        .onCommand(RemoveAlias.class, (s, c) -> Aliases.remove(this, s, c))
        .onCommand(SetValidation.class, (s, c) -> Validations.set(this, s, c))
        .onCommand(RecordValidationFailure.class, (s, c) -> Validations.failed(this, s, c))
        .onCommand(StartRollout.class, (s, c) -> Rollouts.start(this, s, c))
        .onCommand(ChangeRollout.class, (s, c) -> Rollouts.change(this, s, c))
        .onCommand(
            GetModel.class, (s, c) -> Effect().reply(c.replyTo(), new ModelReply.Current(s.view())))
        .build();
  }

  private ReplyEffect<ModelEvent, ModelState> onRegisterVersion(ModelState s, RegisterVersion c) {
    String problem = Names.versionProblem("version", c.version());
    if (problem != null) {
      return Effect().reply(c.replyTo(), new Rejected(Rejected.Kind.INVALID, problem));
    }
    if (s.aliases().containsKey(c.version())) {
      return Effect().reply(c.replyTo(), Aliases.versionClash(name, c.version()));
    }
    VersionInfo existing = s.versions().get(c.version());
    if (existing != null) {
      if (existing.digest().equals(c.digest())) {
        return Effect().reply(c.replyTo(), new ModelReply.Registered(false, name, existing));
      }
      return Effect()
          .reply(
              c.replyTo(),
              new Rejected(
                  Rejected.Kind.CONFLICT,
                  "version '"
                      + c.version()
                      + "' of model '"
                      + name
                      + "' already exists with digest "
                      + existing.digest()
                      + "; versions are immutable, upload under a new version"));
    }
    VersionInfo info =
        new VersionInfo(
            c.version(),
            c.digest(),
            c.size(),
            c.inputs(),
            c.outputs(),
            Instant.now(),
            c.meta().principal());
    return Effect()
        .persist(new VersionRegistered(info, EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new ModelReply.Registered(true, name, info));
  }

  private ReplyEffect<ModelEvent, ModelState> onDeploy(ModelState s, Deploy c) {
    DeploymentSpec spec = c.spec();
    if (!s.versions().containsKey(spec.version())) {
      return Effect().reply(c.replyTo(), notFound(s, spec.version()));
    }
    if (spec.replicas() < 0 || spec.replicas() > DeploymentSpec.MAX_REPLICAS) {
      return Effect()
          .reply(
              c.replyTo(),
              new Rejected(
                  Rejected.Kind.INVALID,
                  "replicas must be between 0 and "
                      + DeploymentSpec.MAX_REPLICAS
                      + ", got "
                      + spec.replicas()));
    }
    String autoscaling = Scaling.problem(spec);
    if (autoscaling != null) {
      return Effect().reply(c.replyTo(), new Rejected(Rejected.Kind.INVALID, autoscaling));
    }
    if (spec.replicas() == 0 && !spec.autoscaled()) {
      // An autoscaled deployment at 0 replicas is scaled to zero, not removed.
      return undeploy(s, List.of(spec.version()), c.meta(), c.replyTo());
    }
    if (spec.equals(s.deployments().get(spec.version()))) {
      return Effect().reply(c.replyTo(), new ModelReply.Current(s.view()));
    }
    return Effect()
        .persist(new DeploymentSet(spec, EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  private ReplyEffect<ModelEvent, ModelState> onUndeploy(ModelState s, Undeploy c) {
    if (!s.view().exists()) {
      return Effect().reply(c.replyTo(), notFound(s, null));
    }
    if (c.version() != null && !s.versions().containsKey(c.version())) {
      return Effect().reply(c.replyTo(), notFound(s, c.version()));
    }
    List<String> versions =
        c.version() == null ? List.copyOf(s.deployments().keySet()) : List.of(c.version());
    return undeploy(s, versions, c.meta(), c.replyTo());
  }

  private ReplyEffect<ModelEvent, ModelState> undeploy(
      ModelState s, List<String> versions, RequestMeta meta, ActorRef<ModelReply> replyTo) {
    Rejected rolling = Rollouts.blocksUndeploy(s, versions);
    if (rolling != null) {
      return Effect().reply(replyTo, rolling);
    }
    List<ModelEvent> events = new ArrayList<>();
    for (String v : versions) {
      if (s.deployments().containsKey(v)) {
        events.add(new DeploymentRemoved(v, EventMeta.of(meta)));
      }
    }
    if (events.isEmpty()) {
      return Effect().reply(replyTo, new ModelReply.Current(s.view()));
    }
    return Effect().persist(events).thenReply(replyTo, st -> new ModelReply.Current(st.view()));
  }

  private ReplyEffect<ModelEvent, ModelState> onRecordPlacement(ModelState s, RecordPlacement c) {
    var p = c.placement();
    if (Objects.equals(s.placements().get(p.replicaId()), p)) {
      return Effect().reply(c.replyTo(), new ModelReply.Current(s.view()));
    }
    return Effect()
        .persist(new ReplicaPlaced(p, EventMeta.of(RequestMeta.system("replica started"))))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  /**
   * Records an alert's transition as sent: the evaluator sends only transitions, so nothing is
   * deduplicated here. A model that does not exist (retired since) gets no journal for it.
   */
  private ReplyEffect<ModelEvent, ModelState> onRecordAlert(ModelState s, RecordAlert c) {
    if (!s.view().exists()) {
      return Effect().reply(c.replyTo(), notFound(s, null));
    }
    return Effect()
        .persist(
            new AlertChanged(
                c.alert(), c.status(), c.severity(), c.labels(), EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  /** The effects of this entity, for the command handlers kept in other classes. */
  EffectFactories<ModelEvent, ModelState> effects() {
    return Effect();
  }

  Rejected notFound(ModelState s, String version) {
    if (!s.view().exists()) {
      return new Rejected(Rejected.Kind.NOT_FOUND, "model '" + name + "' is not registered");
    }
    return new Rejected(
        Rejected.Kind.NOT_FOUND,
        "model '"
            + name
            + "' has no version '"
            + version
            + "'; versions: "
            + s.view().versionNames());
  }

  @Override
  public EventHandler<ModelState, ModelEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ModelState::apply);
  }
}
