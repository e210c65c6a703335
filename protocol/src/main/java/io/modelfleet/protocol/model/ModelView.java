package io.modelfleet.protocol.model;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.rollout.Rollout;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's view of one model: the tenant it belongs to, versions, desired deployments and
 * last placements, aliases (name to {@link AliasTarget}, sorted by name) and rollouts (oldest
 * first). Maps of versions are sorted by {@link VersionOrder} so callers can rely on iteration
 * order.
 */
public record ModelView(
    String name,
    Map<String, VersionInfo> versions,
    Map<String, DeploymentSpec> deployments,
    Map<String, ReplicaPlacement> placements,
    String tenant,
    Map<String, AliasTarget> aliases,
    List<Rollout> rollouts)
    implements FleetSerializable {

  public ModelView {
    tenant = tenant == null ? RequestMeta.DEFAULT_TENANT : tenant;
    aliases = aliases == null ? Map.of() : aliases;
    rollouts = rollouts == null ? List.of() : List.copyOf(rollouts);
  }

  /** A model without rollouts. */
  public ModelView(
      String name,
      Map<String, VersionInfo> versions,
      Map<String, DeploymentSpec> deployments,
      Map<String, ReplicaPlacement> placements,
      String tenant,
      Map<String, AliasTarget> aliases) {
    this(name, versions, deployments, placements, tenant, aliases, List.of());
  }

  /** The model's rollout {@code id}. */
  public Optional<Rollout> rollout(String id) {
    return rollouts.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /** The model's rollout that is still moving (or holding) traffic, if any. */
  public Optional<Rollout> activeRollout() {
    return rollouts.stream().filter(r -> r.state().active()).findFirst();
  }

  /** A model without aliases. */
  public ModelView(
      String name,
      Map<String, VersionInfo> versions,
      Map<String, DeploymentSpec> deployments,
      Map<String, ReplicaPlacement> placements,
      String tenant) {
    this(name, versions, deployments, placements, tenant, Map.of());
  }

  /** A model of the default tenant. */
  public ModelView(
      String name,
      Map<String, VersionInfo> versions,
      Map<String, DeploymentSpec> deployments,
      Map<String, ReplicaPlacement> placements) {
    this(name, versions, deployments, placements, RequestMeta.DEFAULT_TENANT);
  }

  public boolean exists() {
    return !versions.isEmpty();
  }

  public Optional<VersionInfo> version(String v) {
    return Optional.ofNullable(versions.get(v));
  }

  public Optional<VersionInfo> latestVersion() {
    return versions.keySet().stream().max(VersionOrder.INSTANCE).map(versions::get);
  }

  public List<String> versionNames() {
    return versions.keySet().stream().sorted(VersionOrder.INSTANCE).toList();
  }

  /**
   * Versions compare numerically when both are integers ("10" after "9"), else as text. Consistent
   * with equals: two different strings never compare as 0 ("1" before "01"), because the registry
   * and the routing table keep versions in TreeMaps with this order, and a comparator that calls
   * "01" and "1" equal would make them one key (see {@link Names}).
   */
  public enum VersionOrder implements Comparator<String> {
    INSTANCE;

    @Override
    public int compare(String a, String b) {
      boolean na = a.chars().allMatch(Character::isDigit) && a.length() < 19;
      boolean nb = b.chars().allMatch(Character::isDigit) && b.length() < 19;
      if (na && nb) {
        int byValue = Long.compare(Long.parseLong(a), Long.parseLong(b));
        // Same value: only leading zeros differ, and equal lengths mean equal strings.
        return byValue != 0 ? byValue : Integer.compare(a.length(), b.length());
      }
      if (na != nb) {
        return na ? -1 : 1;
      }
      return a.compareTo(b);
    }
  }
}
