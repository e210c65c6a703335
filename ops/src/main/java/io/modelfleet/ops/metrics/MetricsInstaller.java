package io.modelfleet.ops.metrics;

import com.typesafe.config.Config;
import io.modelfleet.ops.Ops;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Puts the node's Prometheus metrics together at start, when {@code modelfleet.ops.metrics.enabled}
 * is on: the {@link NodeMetrics} installed into {@link Ops}, its observers registered for the
 * replicas and the gateway, and the families read at scrape time (CPU, cluster, replicas hosted
 * here, the JVM and process). With metrics off nothing is installed or registered, so the request
 * path carries no metrics code at all.
 */
public final class MetricsInstaller {
  private MetricsInstaller() {}

  /** The node's metrics, installed; empty when metrics are off. */
  public static Optional<NodeMetrics> install(ActorSystem<?> system, Config config) {
    MetricsSettings settings = MetricsSettings.fromConfig(config);
    if (!settings.enabled()) {
      return Optional.empty();
    }
    NodeMetrics metrics = new NodeMetrics(settings);
    metrics.registerTriton(new HostMetrics());
    metrics.fleet().register(new ClusterMetrics(system));
    metrics.fleet().register(new AlertMetrics(system));
    LocalReplicas replicas =
        new LocalReplicas(Cluster.get(system).selfMember().address().toString());
    system.systemActorOf(replicas.subscriber(), "metrics-local-replicas", Props.empty());
    metrics.fleet().register(replicas);
    JvmMetrics.builder().register(metrics.fleet());
    Ops ops = Ops.get(system);
    ops.install(NodeMetrics.class, metrics);
    ops.observers().addReplicas(metrics.inference());
    ops.observers().addHttp(metrics.http());
    return Optional.of(metrics);
  }
}
