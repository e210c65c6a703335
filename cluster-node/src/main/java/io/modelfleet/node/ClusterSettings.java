package io.modelfleet.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.modelfleet.protocol.cluster.ClusterKeys;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * How this node joins the cluster and what it does there, from {@code modelfleet.cluster}. Seed
 * nodes and roles are comma-separated strings in our configuration (easy to pass as environment
 * variables) and become Pekko's lists here. A node joins through seed nodes or through cluster
 * bootstrap ({@link BootstrapSettings}), never both.
 */
public record ClusterSettings(
    List<String> seedNodes, List<String> roles, BootstrapSettings bootstrap) {
  public static ClusterSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.cluster");
    List<String> roles = split(c.getString("roles"));
    for (String r : roles) {
      if (!r.equals(ClusterKeys.ROLE_GATEWAY) && !r.equals(ClusterKeys.ROLE_WORKER)) {
        throw new IllegalArgumentException(
            "modelfleet.cluster.roles may hold gateway and worker, got '" + r + "'");
      }
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException(
          "modelfleet.cluster.roles must name at least one of gateway, worker");
    }
    List<String> seedNodes = split(c.getString("seed-nodes"));
    BootstrapSettings bootstrap = BootstrapSettings.fromConfig(root, c);
    if (bootstrap.enabled() && !seedNodes.isEmpty()) {
      // Pekko's bootstrap would silently give up and join the seed nodes; say so at start instead.
      throw new IllegalArgumentException(
          "modelfleet.cluster.seed-nodes (MODELFLEET_SEED_NODES) and "
              + "modelfleet.cluster.discovery (MODELFLEET_DISCOVERY = "
              + bootstrap.discovery().configName
              + ") are both set: a node joins through seed nodes or through cluster bootstrap, not both");
    }
    return new ClusterSettings(seedNodes, roles, bootstrap);
  }

  /**
   * Pekko's own keys, derived from ours: seed nodes, roles, bootstrap, and remoting TLS ({@link
   * ClusterTls}, whose stores are opened here so that a bad one stops the node before it starts).
   */
  public static Config pekkoOverrides(Config root) {
    ClusterSettings s = fromConfig(root);
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(s.seedNodes()),
                "pekko.cluster.roles", ConfigValueFactory.fromIterable(s.roles())))
        .withFallback(s.bootstrap().pekkoOverrides())
        .withFallback(ClusterTls.fromConfig(root).pekkoOverrides());
  }

  /**
   * With discovery set, cluster bootstrap finds the peers and joins or forms the cluster. Else seed
   * nodes join by themselves (Pekko reads them from configuration), and without any the node forms
   * a cluster of its own.
   */
  void join(ActorSystem<?> system) {
    if (bootstrap.enabled()) {
      BootstrapJoin.start(system);
    } else if (seedNodes.isEmpty()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  private static List<String> split(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }
}
