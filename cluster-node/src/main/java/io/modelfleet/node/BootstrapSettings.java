package io.modelfleet.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cluster bootstrap through pekko-management, from {@code modelfleet.cluster.discovery}, {@code
 * .bootstrap} and {@code .management}. {@link #pekkoOverrides()} turns it into the pekko.management
 * and pekko.discovery keys, so the operator sets a handful of MODELFLEET_* variables instead of
 * Pekko's nested blocks. With {@link Discovery#NONE} none of it is used.
 */
public record BootstrapSettings(
    Discovery discovery,
    String serviceName,
    List<ContactPoint> contactPoints,
    int requiredContactPoints,
    String podLabelSelector,
    String managementHostname,
    int managementPort) {

  /**
   * How bootstrap finds its contact points; {@code configName} is the value of
   * modelfleet.cluster.discovery.
   */
  public enum Discovery {
    NONE(""),
    KUBERNETES_API("kubernetes-api"),
    CONFIG("config");

    final String configName;

    Discovery(String configName) {
      this.configName = configName;
    }

    static Discovery parse(String value) {
      for (Discovery d : values()) {
        if (d.configName.equals(value.trim())) {
          return d;
        }
      }
      throw new IllegalArgumentException(
          "modelfleet.cluster.discovery (MODELFLEET_DISCOVERY) must be empty, kubernetes-api or config, got '"
              + value
              + "'");
    }
  }

  /** A peer's management endpoint, as listed in modelfleet.cluster.bootstrap.contact-points. */
  public record ContactPoint(String host, int port) {
    static ContactPoint parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      int port = colon > 0 ? port(hostPort.substring(colon + 1)) : -1;
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "modelfleet.cluster.bootstrap.contact-points (MODELFLEET_CONTACT_POINTS) "
                + "lists host:management-port pairs, got '"
                + hostPort
                + "'");
      }
      return new ContactPoint(hostPort.substring(0, colon), port);
    }

    private static int port(String digits) {
      try {
        return Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  public boolean enabled() {
    return discovery != Discovery.NONE;
  }

  /**
   * {@code cluster} is the modelfleet.cluster block; the root supplies the default management
   * hostname.
   */
  static BootstrapSettings fromConfig(Config root, Config cluster) {
    Discovery discovery = Discovery.parse(cluster.getString("discovery"));
    Config b = cluster.getConfig("bootstrap");
    List<ContactPoint> contactPoints =
        Arrays.stream(b.getString("contact-points").split(","))
            .map(String::trim)
            .filter(x -> !x.isEmpty())
            .map(ContactPoint::parse)
            .toList();
    int required = b.getInt("required-contact-point-nr");
    if (required < 1) {
      throw new IllegalArgumentException(
          "modelfleet.cluster.bootstrap.required-contact-point-nr "
              + "(MODELFLEET_REQUIRED_CONTACT_POINTS) must be at least 1, got "
              + required);
    }
    if (discovery == Discovery.CONFIG && contactPoints.size() < required) {
      // Bootstrap would wait forever for contact points that no list can produce.
      throw new IllegalArgumentException(
          "modelfleet.cluster.discovery = config needs at least "
              + "required-contact-point-nr ("
              + required
              + ") contact points in modelfleet.cluster.bootstrap.contact-points "
              + "(MODELFLEET_CONTACT_POINTS), got "
              + contactPoints.size());
    }
    String hostname = cluster.getString("management.hostname");
    if (hostname.isBlank()) {
      hostname = root.getString("pekko.remote.artery.canonical.hostname");
      // Pekko's own default, "<getHostAddress>", is a token for remoting only; management's token
      // for the same (this host's address) is "<hostname>".
      hostname = hostname.startsWith("<") ? "<hostname>" : hostname;
    }
    return new BootstrapSettings(
        discovery,
        b.getString("service-name"),
        contactPoints,
        required,
        b.getString("pod-label-selector"),
        hostname,
        cluster.getInt("management.port"));
  }

  /**
   * Pekko's keys for management, bootstrap and the chosen discovery; empty when bootstrap is off.
   */
  public Config pekkoOverrides() {
    if (!enabled()) {
      return ConfigFactory.empty();
    }
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.management.http.hostname", managementHostname);
    m.put("pekko.management.http.port", managementPort);
    m.put("pekko.discovery.method", discovery.configName);
    String contact = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    m.put(contact + "service-name", serviceName);
    m.put(contact + "required-contact-point-nr", requiredContactPoints);
    switch (discovery) {
      case KUBERNETES_API -> {
        m.put("pekko.discovery.kubernetes-api.pod-label-selector", podLabelSelector);
        // Discovery returns each pod's container port of this name, so a changed management
        // port needs no second setting (deploy/kubernetes names the port so).
        m.put(contact + "port-name", "management");
      }
      case CONFIG -> {
        List<Map<String, Object>> endpoints = new ArrayList<>();
        for (ContactPoint p : contactPoints) {
          endpoints.add(Map.of("host", p.host(), "port", p.port()));
        }
        m.put(
            ConfigUtil.joinPath(
                "pekko", "discovery", "config", "services", serviceName, "endpoints"),
            ConfigValueFactory.fromIterable(endpoints));
        // Every endpoint listed is a management port, so none may be filtered out for not being
        // the fallback port (each node of a test on one host has its own).
        m.put("pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port", false);
      }
      case NONE -> throw new IllegalStateException("unreachable");
    }
    return ConfigFactory.parseMap(m, "modelfleet.cluster.discovery");
  }
}
