package io.modelfleet.node.ops;

import com.typesafe.config.Config;
import io.modelfleet.node.FleetNode;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.metering.MeteringSettings;
import io.modelfleet.ops.metering.UsageFlusher;
import io.modelfleet.ops.metering.UsageMeter;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.persistence.usage.UsageStore;
import io.modelfleet.protocol.service.UsageQuery;
import io.modelfleet.protocol.usage.UsageReport;
import io.modelfleet.protocol.usage.UsageRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.Cluster;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Usage metering on a node: the {@link UsageMeter} counts every inference this node's gateway
 * answers, a {@link UsageFlusher} adds it to the usage table of the registry database every flush
 * interval (and on a graceful stop) under this node's cluster address, and {@link UsageQuery} reads
 * the table for {@code GET /v1/usage}. All JDBC runs on the blocking-I/O dispatcher.
 */
public final class NodeMetering implements UsageQuery {
  private final UsageStore store;
  private final Duration flushInterval;
  private final ExecutionContextExecutor io;

  private NodeMetering(UsageStore store, Duration flushInterval, ExecutionContextExecutor io) {
    this.store = store;
    this.flushInterval = flushInterval;
    this.io = io;
  }

  /** Installs metering when modelfleet.ops.metering.enabled is on; creates the table if allowed. */
  static void install(ActorSystem<?> system, Config config) {
    MeteringSettings settings = MeteringSettings.fromConfig(config);
    if (!settings.enabled()) {
      return;
    }
    Path dataDir = Path.of(config.getString("modelfleet.data-dir")).toAbsolutePath().normalize();
    UsageStore store = UsageStore.open(DatabaseSettings.fromConfig(config, dataDir));
    ExecutionContextExecutor io =
        system.dispatchers().lookup(DispatcherSelector.fromConfig(FleetNode.IO_DISPATCHER));
    String node = Cluster.get(system).selfMember().address().toString();
    UsageMeter meter = UsageMeter.of(settings);
    Ops ops = Ops.get(system);
    ops.install(UsageMeter.class, meter);
    ops.install(UsageQuery.class, new NodeMetering(store, settings.flushInterval(), io));
    ops.observers().addInference(meter);
    new UsageFlusher(meter, deltas -> store.add(node, deltas))
        .start(system, settings.flushInterval(), io);
  }

  @Override
  public CompletionStage<UsageReport> query(UsageRequest request) {
    Instant asOf = Instant.now().minus(flushInterval);
    return CompletableFuture.supplyAsync(() -> store.query(request, asOf), io);
  }
}
