package io.modelfleet.node.security;

import com.typesafe.config.Config;
import io.modelfleet.gateway.security.SecuritySettings;
import io.modelfleet.persistence.keys.KeyHistory;
import io.modelfleet.persistence.keys.KeyRegistryEntity;
import io.modelfleet.persistence.registry.JournalCatalog;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * A node's share of access control: the key registry's sharding (entities on workers), the key
 * management service the gateway serves {@code /v1/keys} with, the key publisher (a singleton on
 * the workers that keeps the replicated key map equal to the registry), and, on a worker of a
 * cluster whose registry holds no key yet, the administrator key.
 */
public final class AccessControl {

  /** What the node needs afterwards. */
  public record Started(RegistryKeyAdmin keyAdmin, Optional<Path> adminKeyFile) {}

  /** The file, in the data directory, that holds a generated administrator key. */
  public static final String ADMIN_KEY_FILE = AdminKeyFile.NAME;

  private static final long RETRY_PAUSE_MS = 200;

  private AccessControl() {}

  /** Settings checked before anything starts, so a malformed bootstrap key stops the node. */
  public static AdminKeySettings checkSettings(Config config) {
    return AdminKeySettings.fromConfig(config);
  }

  /**
   * Starts it all; blocks until the administrator key exists when this node must make sure of it (a
   * worker with security on).
   */
  public static Started start(
      ActorSystem<?> system,
      Config config,
      JournalCatalog catalog,
      List<String> roles,
      Path dataDir,
      Duration askTimeout)
      throws Exception {
    KeyRegistryEntity.initSharding(system, ClusterKeys.ROLE_WORKER);
    RegistryKeyAdmin keyAdmin =
        RegistryKeyAdmin.sharded(system, new KeyHistory(system, catalog.journal()), askTimeout);
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    KeyPublisher.create(
                        ClusterSharding.get(system)
                            .entityRefFor(KeyCommand.TYPE_KEY, KeyCommand.REGISTRY_ID),
                        catalog.journal(),
                        KeyPublisherSettings.fromConfig(config)),
                    "key-publisher")
                .withSettings(
                    ClusterSingletonSettings.create(system).withRole(ClusterKeys.ROLE_WORKER)));
    Optional<Path> file = Optional.empty();
    if (SecuritySettings.fromConfig(config).enabled() && roles.contains(ClusterKeys.ROLE_WORKER)) {
      AdminKeySettings settings = AdminKeySettings.fromConfig(config);
      long deadline = System.nanoTime() + settings.timeout().toNanos();
      AdminKeyBootstrap.Outcome outcome = bootstrap(keyAdmin, dataDir, settings, deadline);
      if (outcome instanceof AdminKeyBootstrap.Created c) {
        file = c.file();
      }
      awaitReplicatedKeys(system, deadline);
    }
    return new Started(keyAdmin, file);
  }

  /**
   * The bootstrap, asked again while the registry cannot answer yet: on a node that is still
   * joining, the registry's shard has nowhere to run until the cluster is up.
   */
  private static AdminKeyBootstrap.Outcome bootstrap(
      RegistryKeyAdmin keyAdmin, Path dataDir, AdminKeySettings settings, long deadline)
      throws Exception {
    while (true) {
      try {
        return AdminKeyBootstrap.ensure(keyAdmin, dataDir, settings);
      } catch (TimeoutException | CompletionException e) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (!(cause instanceof TimeoutException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(RETRY_PAUSE_MS);
      }
    }
  }

  /**
   * Waits until this node's replica of the key map holds a key, so that the gateway, bound next,
   * authenticates the first request instead of refusing the administrator's own key for the moment
   * the key publisher takes. Past the deadline the node starts anyway (the gateway answers 503
   * until the keys arrive).
   */
  private static void awaitReplicatedKeys(ActorSystem<?> system, long deadline)
      throws InterruptedException {
    while (System.nanoTime() < deadline) {
      try {
        Replicator.GetResponse<LWWMap<String, ApiKey>> got =
            AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, ApiKey>>>ask(
                    DistributedData.get(system).replicator(),
                    replyTo ->
                        new Replicator.Get<>(ClusterKeys.API_KEYS, Replicator.readLocal(), replyTo),
                    Duration.ofSeconds(3),
                    system.scheduler())
                .toCompletableFuture()
                .get();
        if (got instanceof Replicator.GetSuccess<LWWMap<String, ApiKey>> ok
            && !ok.get(ClusterKeys.API_KEYS).isEmpty()) {
          return;
        }
      } catch (ExecutionException e) {
        // The local replicator did not answer; ask again.
      }
      Thread.sleep(RETRY_PAUSE_MS);
    }
  }
}
