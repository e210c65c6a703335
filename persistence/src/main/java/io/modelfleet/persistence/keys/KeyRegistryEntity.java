package io.modelfleet.persistence.keys;

import io.modelfleet.persistence.keys.KeyEvent.KeyAccessChanged;
import io.modelfleet.persistence.keys.KeyEvent.KeyCreated;
import io.modelfleet.persistence.keys.KeyEvent.KeyLimitsChanged;
import io.modelfleet.persistence.keys.KeyEvent.KeyRevoked;
import io.modelfleet.persistence.registry.EventMeta;
import io.modelfleet.persistence.registry.RegistrySettings;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyCommand;
import io.modelfleet.protocol.security.KeyCommand.ChangeAccess;
import io.modelfleet.protocol.security.KeyCommand.ChangeLimits;
import io.modelfleet.protocol.security.KeyCommand.Create;
import io.modelfleet.protocol.security.KeyCommand.GetKeys;
import io.modelfleet.protocol.security.KeyCommand.Revoke;
import io.modelfleet.protocol.security.KeyReply;
import io.modelfleet.protocol.security.KeyReply.Rejected;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The registry of API keys: one sharded, event-sourced entity ({@link KeyCommand#REGISTRY_ID})
 * holding every key, revoked ones included. Its journal is the audit history of access.
 *
 * <p>Talked to by the node's key administration (create, list, revoke, change), by the key
 * publisher (which copies the keys into the replicated map the gateways authenticate from) and by
 * the administrator-key bootstrap. One entity, so every rule that spans keys (a name is taken by at
 * most one key that is not revoked) is checked in one place, one command at a time: two nodes that
 * bootstrap an "admin" key at once get one key and one 409.
 *
 * <p>Rules: a create is refused (409) when the id exists or a key that is not revoked has the name;
 * a revoke or change of an unknown id is 404; a revoked key stays revoked and cannot be changed
 * (409), and revoking it again answers it unchanged. A command that changes nothing writes no
 * event. Snapshots as the model registry's ({@code modelfleet.registry}); events are never deleted.
 */
public final class KeyRegistryEntity
    extends EventSourcedBehaviorWithEnforcedReplies<KeyCommand, KeyEvent, KeyState> {

  /** The registry's persistence id: "ApiKeys|registry", whose events a reader follows. */
  public static final PersistenceId PERSISTENCE_ID =
      PersistenceId.of(KeyCommand.TYPE_KEY.name(), KeyCommand.REGISTRY_ID);

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private final RegistrySettings settings;

  public static KeyRegistryEntity create(RegistrySettings settings) {
    return new KeyRegistryEntity(settings);
  }

  /**
   * Starts the registry's sharding on {@code system}: the entity on a member with {@code role}, a
   * proxy on the others. Not remembered: it starts on the first command, which every node's key
   * publisher or bootstrap sends soon after start.
   */
  public static void initSharding(ActorSystem<?> system, String role) {
    RegistrySettings settings = RegistrySettings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(
            Entity.of(KeyCommand.TYPE_KEY, ec -> create(settings))
                .withRole(role)
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(false)));
  }

  private KeyRegistryEntity(RegistrySettings settings) {
    super(PERSISTENCE_ID);
    this.settings = settings;
  }

  @Override
  public KeyState emptyState() {
    return KeyState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return settings.retention();
  }

  @Override
  public Set<String> tagsFor(KeyEvent event) {
    return Set.of(KeyEvent.TAG);
  }

  @Override
  public CommandHandlerWithReply<KeyCommand, KeyEvent, KeyState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Revoke.class, this::onRevoke)
        .onCommand(ChangeAccess.class, this::onChangeAccess)
        .onCommand(ChangeLimits.class, this::onChangeLimits)
        .onCommand(
            GetKeys.class, (s, c) -> Effect().reply(c.replyTo(), new KeyReply.Keys(s.keys())))
        .build();
  }

  private ReplyEffect<KeyEvent, KeyState> onCreate(KeyState s, Create c) {
    ApiKey key = c.key();
    if (key.id() == null || key.id().isEmpty()) {
      return Effect().reply(c.replyTo(), new Rejected(400, "a key needs an id"));
    }
    if (key.secretHash() == null || !SHA256_HEX.matcher(key.secretHash()).matches()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Rejected(400, "the registry stores a key's secret only as its SHA-256 in hex"));
    }
    if (key.revokedAt() != 0) {
      return Effect().reply(c.replyTo(), new Rejected(400, "a new key cannot be revoked"));
    }
    if (s.find(key.id()).isPresent()) {
      return Effect()
          .reply(c.replyTo(), new Rejected(409, "a key with id '" + key.id() + "' exists"));
    }
    if (s.activeNamed(key.name()).isPresent()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Rejected(
                  409,
                  "a key named '"
                      + key.name()
                      + "' exists; revoke it first or choose another name"));
    }
    return Effect()
        .persist(new KeyCreated(key, EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new KeyReply.Key(key));
  }

  private ReplyEffect<KeyEvent, KeyState> onRevoke(KeyState s, Revoke c) {
    Optional<ApiKey> found = s.find(c.id());
    if (found.isEmpty()) {
      return Effect().reply(c.replyTo(), notFound(c.id()));
    }
    if (found.get().revokedAt() != 0) {
      return Effect().reply(c.replyTo(), new KeyReply.Key(found.get()));
    }
    EventMeta meta = EventMeta.of(c.meta());
    return Effect()
        .persist(new KeyRevoked(c.id(), meta.at().toEpochMilli(), meta))
        .thenReply(c.replyTo(), st -> current(st, c.id()));
  }

  private ReplyEffect<KeyEvent, KeyState> onChangeAccess(KeyState s, ChangeAccess c) {
    Optional<ApiKey> found = s.find(c.id());
    KeyReply refused = refuseChange(found, c.id());
    if (refused != null) {
      return Effect().reply(c.replyTo(), refused);
    }
    if (c.roles() == null || c.roles().isEmpty() || c.grants() == null) {
      return Effect().reply(c.replyTo(), new Rejected(400, "a key needs at least one role"));
    }
    ApiKey key = found.get();
    if (key.roles().equals(c.roles()) && key.grants().equals(c.grants())) {
      return Effect().reply(c.replyTo(), new KeyReply.Key(key));
    }
    return Effect()
        .persist(new KeyAccessChanged(c.id(), c.roles(), c.grants(), EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> current(st, c.id()));
  }

  private ReplyEffect<KeyEvent, KeyState> onChangeLimits(KeyState s, ChangeLimits c) {
    Optional<ApiKey> found = s.find(c.id());
    KeyReply refused = refuseChange(found, c.id());
    if (refused != null) {
      return Effect().reply(c.replyTo(), refused);
    }
    if (c.limits() == null) {
      return Effect().reply(c.replyTo(), new Rejected(400, "limits must be given"));
    }
    if (found.get().limits().equals(c.limits())) {
      return Effect().reply(c.replyTo(), new KeyReply.Key(found.get()));
    }
    return Effect()
        .persist(new KeyLimitsChanged(c.id(), c.limits(), EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> current(st, c.id()));
  }

  /** Null when the key may change, else the rejection. */
  private static KeyReply refuseChange(Optional<ApiKey> found, String id) {
    if (found.isEmpty()) {
      return notFound(id);
    }
    if (found.get().revokedAt() != 0) {
      return new Rejected(409, "key '" + id + "' is revoked; a revoked key cannot change");
    }
    return null;
  }

  private static KeyReply current(KeyState s, String id) {
    return s.find(id).<KeyReply>map(KeyReply.Key::new).orElseGet(() -> notFound(id));
  }

  private static Rejected notFound(String id) {
    return new Rejected(404, "no key with id '" + id + "'");
  }

  @Override
  public EventHandler<KeyState, KeyEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(KeyState::apply);
  }
}
