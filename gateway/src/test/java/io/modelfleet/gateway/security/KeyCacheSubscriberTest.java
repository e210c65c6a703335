package io.modelfleet.gateway.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Role;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cache follows the replicated keys: a new key authenticates, a revoked one stops. */
class KeyCacheSubscriberTest {

  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "keycache",
            ConfigFactory.parseString(
                    """
                    pekko.actor.provider = cluster
                    pekko.remote.artery.canonical.hostname = "127.0.0.1"
                    pekko.remote.artery.canonical.port = 0
                    pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                    pekko.cluster.distributed-data.notify-subscribers-interval = 50ms
                    pekko.loglevel = WARNING
                    """)
                .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void followsTheReplicatedKeys() throws Exception {
    KeyCache cache = new KeyCache();
    ActorRef<KeyCacheSubscriber.Command> subscriber =
        system.systemActorOf(KeyCacheSubscriber.create(cache), "key-cache", Props.empty());
    Keys k = Keys.make("k1", "default", Role.INFERRER);
    put(k.key());
    await(() -> cache.authenticate(k.secret(), 5_000).isPresent());
    put(k.key().revoked(4_000));
    await(() -> cache.authenticate(k.secret(), 5_000).isEmpty());
    subscriber.tell(new KeyCacheSubscriber.Stop());
  }

  private static void put(ApiKey key) {
    SelfUniqueAddress node = DistributedData.get(system).selfUniqueAddress();
    DistributedData.get(system)
        .replicator()
        .tell(
            new Replicator.Update<>(
                ClusterKeys.API_KEYS,
                LWWMap.empty(),
                Replicator.writeLocal(),
                system.ignoreRef(),
                m -> m.put(node, key.id(), key)));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(20);
    }
  }
}
