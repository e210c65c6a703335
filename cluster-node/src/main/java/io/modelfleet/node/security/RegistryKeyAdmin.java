package io.modelfleet.node.security;

import io.modelfleet.persistence.keys.KeyHistory;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyCommand;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeyReply;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The node's {@link KeyAdmin}: the gateway's {@code /v1/keys} routes and the administrator-key
 * bootstrap ask the key registry through it. It makes each new key's id and secret, checks what a
 * client sent (names, tenant, roles, expiry; 400), and hands the registry the secret's hash and
 * prefix only: the secret is returned to the caller once and exists nowhere else. The registry's
 * refusals (404, 409) become {@link KeyAdminException}s with its sentence.
 */
public final class RegistryKeyAdmin implements KeyAdmin {
  private final ActorSystem<?> system;
  private final RecipientRef<KeyCommand> registry;
  private final KeyHistory history;
  private final Duration askTimeout;

  /**
   * @param registry the key registry: its sharded entity in a node, a spawned entity in tests
   * @param askTimeout how long the registry may take to answer one command
   */
  public RegistryKeyAdmin(
      ActorSystem<?> system,
      RecipientRef<KeyCommand> registry,
      KeyHistory history,
      Duration askTimeout) {
    this.system = system;
    this.registry = registry;
    this.history = history;
    this.askTimeout = askTimeout;
  }

  /** Over the sharded registry ({@code KeyRegistryEntity.initSharding} must have run). */
  public static RegistryKeyAdmin sharded(
      ActorSystem<?> system, KeyHistory history, Duration askTimeout) {
    return new RegistryKeyAdmin(
        system,
        ClusterSharding.get(system).entityRefFor(KeyCommand.TYPE_KEY, KeyCommand.REGISTRY_ID),
        history,
        askTimeout);
  }

  @Override
  public CompletionStage<Created> create(NewKey key, RequestMeta meta) {
    return createWithSecret(key, KeySecrets.generate(), meta);
  }

  /**
   * Creates {@code key} with a secret the caller chose (the configured administrator key); it must
   * be {@link KeySecrets#wellFormed}. Otherwise as {@link #create}.
   */
  public CompletionStage<Created> createWithSecret(NewKey key, String secret, RequestMeta meta) {
    if (!KeySecrets.wellFormed(secret)) {
      return refused(400, "a key's secret must be one this cluster issues");
    }
    long now = System.currentTimeMillis();
    String problem = NewKeys.problem(key, now);
    if (problem != null) {
      return refused(400, problem);
    }
    ApiKey record = NewKeys.record(NewKeys.newId(), key, secret, now);
    return ask(r -> new KeyCommand.Create(record, meta, r), k -> new Created(k, secret));
  }

  @Override
  public CompletionStage<List<ApiKey>> list() {
    return AskPattern.<KeyCommand, KeyReply>ask(
            registry, KeyCommand.GetKeys::new, askTimeout, system.scheduler())
        .thenApply(
            reply -> {
              if (reply instanceof KeyReply.Keys keys) {
                return keys.keys();
              }
              throw unexpected(reply);
            });
  }

  @Override
  public CompletionStage<ApiKey> revoke(String id, RequestMeta meta) {
    return ask(r -> new KeyCommand.Revoke(id, meta, r), k -> k);
  }

  @Override
  public CompletionStage<ApiKey> changeAccess(
      String id, Set<Role> roles, List<Grant> grants, RequestMeta meta) {
    String problem = NewKeys.accessProblem(roles, grants);
    if (problem != null) {
      return refused(400, problem);
    }
    List<Grant> g = grants == null ? List.of() : grants;
    return ask(r -> new KeyCommand.ChangeAccess(id, roles, g, meta, r), k -> k);
  }

  @Override
  public CompletionStage<ApiKey> changeLimits(String id, KeyLimits limits, RequestMeta meta) {
    if (limits == null) {
      return refused(400, "limits must be given; all zero means no limit");
    }
    return ask(r -> new KeyCommand.ChangeLimits(id, limits, meta, r), k -> k);
  }

  @Override
  public CompletionStage<List<HistoryEntry>> history() {
    return history.history();
  }

  private <T> CompletionStage<T> ask(
      Function<ActorRef<KeyReply>, KeyCommand> command, Function<ApiKey, T> onKey) {
    return AskPattern.<KeyCommand, KeyReply>ask(
            registry, command::apply, askTimeout, system.scheduler())
        .thenApply(
            reply -> {
              if (reply instanceof KeyReply.Key k) {
                return onKey.apply(k.key());
              }
              if (reply instanceof KeyReply.Rejected r) {
                throw new KeyAdminException(r.status(), r.message());
              }
              throw unexpected(reply);
            });
  }

  private static <T> CompletionStage<T> refused(int status, String message) {
    return CompletableFuture.failedFuture(new KeyAdminException(status, message));
  }

  private static IllegalStateException unexpected(KeyReply reply) {
    return new IllegalStateException(
        "the key registry answered " + reply.getClass().getSimpleName());
  }
}
