package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ModelView.VersionOrder;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.rollout.Rollout;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * State of one model, rebuilt from its events. Immutable: every event yields a new state, so a
 * reply built from a state can never see a later change.
 *
 * <p>Also the registry's snapshot (Jackson, as every {@link FleetSerializable}). A state read back
 * from a snapshot must behave exactly as the one that was saved, so the constructor gives every map
 * its order and makes it unmodifiable whatever map it is handed (Jackson hands it mutable
 * insertion-ordered ones); the maps this class builds itself already are, and pass as they are.
 */
public record ModelState(
    String name,
    Map<String, VersionInfo> versions,
    Map<String, DeploymentSpec> deployments,
    Map<String, ReplicaPlacement> placements,
    String tenant,
    Map<String, AliasTarget> aliases,
    List<Rollout> rollouts)
    implements FleetSerializable {
  private static final Class<?> UNMODIFIABLE_SORTED =
      Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();

  public ModelState {
    versions = sorted(versions, VersionOrder.INSTANCE);
    deployments = sorted(deployments, VersionOrder.INSTANCE);
    placements = sorted(placements, null);
    // Snapshots written before aliases existed read back without the field (null).
    aliases = sorted(aliases == null ? Map.of() : aliases, null);
    // ... and before rollouts existed without that one.
    rollouts = rollouts == null ? List.of() : List.copyOf(rollouts);
  }

  /** A state without rollouts. */
  public ModelState(
      String name,
      Map<String, VersionInfo> versions,
      Map<String, DeploymentSpec> deployments,
      Map<String, ReplicaPlacement> placements,
      String tenant,
      Map<String, AliasTarget> aliases) {
    this(name, versions, deployments, placements, tenant, aliases, List.of());
  }

  /** A state without aliases. */
  public ModelState(
      String name,
      Map<String, VersionInfo> versions,
      Map<String, DeploymentSpec> deployments,
      Map<String, ReplicaPlacement> placements,
      String tenant) {
    this(name, versions, deployments, placements, tenant, Map.of());
  }

  /** A state without a tenant yet (snapshots written before tenants existed read back as one). */
  public ModelState(
      String name,
      Map<String, VersionInfo> versions,
      Map<String, DeploymentSpec> deployments,
      Map<String, ReplicaPlacement> placements) {
    this(name, versions, deployments, placements, null);
  }

  static ModelState empty(String name) {
    return new ModelState(name, Map.of(), Map.of(), Map.of());
  }

  ModelState apply(ModelEvent event) {
    if (event instanceof ModelEvent.RolloutEvent e) {
      return RolloutEffects.apply(this, e);
    }
    if (event instanceof ModelEvent.AlertChanged || event instanceof ModelEvent.ValidationFailed) {
      return this;
    }
    if (event instanceof ModelEvent.VersionRegistered e) {
      // The model belongs to the tenant that registered its first version.
      String owner = versions.isEmpty() && tenant == null ? e.meta().tenant() : tenant;
      return new ModelState(
          name,
          put(versions, e.version().version(), e.version()),
          deployments,
          placements,
          owner,
          aliases,
          rollouts);
    }
    if (event instanceof ModelEvent.DeploymentSet e) {
      String version = registered(e.spec().version());
      DeploymentSpec spec =
          version.equals(e.spec().version()) ? e.spec() : e.spec().withVersion(version);
      return new ModelState(
          name, versions, put(deployments, version, spec), placements, tenant, aliases, rollouts);
    }
    if (event instanceof ModelEvent.DeploymentScaled e) {
      DeploymentSpec d = deployments.get(e.version());
      if (d == null) {
        return this;
      }
      return new ModelState(
          name,
          versions,
          put(deployments, e.version(), d.withReplicas(e.to())),
          placements,
          tenant,
          aliases);
    }
    if (event instanceof ModelEvent.DeploymentRemoved e) {
      String version = registered(e.version());
      TreeMap<String, DeploymentSpec> d = new TreeMap<>(VersionOrder.INSTANCE);
      d.putAll(deployments);
      d.remove(version);
      TreeMap<String, ReplicaPlacement> p = new TreeMap<>(placements);
      p.keySet().removeIf(id -> id.startsWith(name + "/" + version + "/"));
      return new ModelState(
          name,
          versions,
          Collections.unmodifiableSortedMap(d),
          Collections.unmodifiableSortedMap(p),
          tenant,
          aliases,
          rollouts);
    }
    if (event instanceof ModelEvent.ValidationSet e) {
      VersionInfo v = versions.get(e.version());
      if (v == null) {
        return this;
      }
      return new ModelState(
          name,
          put(versions, v.version(), v.withValidation(e.samples())),
          deployments,
          placements,
          tenant,
          aliases,
          rollouts);
    }
    if (event instanceof ModelEvent.AliasSet e) {
      TreeMap<String, AliasTarget> a = new TreeMap<>(aliases);
      a.put(e.alias(), e.target());
      return new ModelState(
          name,
          versions,
          deployments,
          placements,
          tenant,
          Collections.unmodifiableSortedMap(a),
          rollouts);
    }
    if (event instanceof ModelEvent.AliasRemoved e) {
      TreeMap<String, AliasTarget> a = new TreeMap<>(aliases);
      a.remove(e.alias());
      return new ModelState(
          name,
          versions,
          deployments,
          placements,
          tenant,
          Collections.unmodifiableSortedMap(a),
          rollouts);
    }
    ModelEvent.ReplicaPlaced e = (ModelEvent.ReplicaPlaced) event;
    TreeMap<String, ReplicaPlacement> p = new TreeMap<>(placements);
    p.put(e.placement().replicaId(), e.placement());
    return new ModelState(
        name,
        versions,
        deployments,
        Collections.unmodifiableSortedMap(p),
        tenant,
        aliases,
        rollouts);
  }

  /**
   * The registered name a deployment event means. Versions are exact strings (see {@code Names}),
   * but before that rule a journal could record a deployment of "01" for the registered version "1"
   * (the registry's version order called them equal). Such an event is read as meaning the
   * registered version, so that old journals replay into deployments the controller can place. New
   * events always name a registered version exactly, so this changes nothing for them.
   */
  private String registered(String version) {
    if (versions.containsKey(version) || !isNumeric(version)) {
      return version;
    }
    String value = withoutLeadingZeros(version);
    for (String v : versions.keySet()) {
      if (isNumeric(v) && withoutLeadingZeros(v).equals(value)) {
        return v;
      }
    }
    return version;
  }

  private static boolean isNumeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static String withoutLeadingZeros(String s) {
    return s.replaceFirst("^0+(?=.)", "");
  }

  ModelView view() {
    return new ModelView(name, versions, deployments, placements, tenant, aliases, rollouts);
  }

  private static <V> Map<String, V> put(Map<String, V> m, String k, V v) {
    TreeMap<String, V> copy = new TreeMap<>(VersionOrder.INSTANCE);
    copy.putAll(m);
    copy.put(k, v);
    return Collections.unmodifiableSortedMap(copy);
  }

  /**
   * {@code m} as an unmodifiable map sorted by {@code order} (null: natural order). The class's own
   * maps are unmodifiable sorted views already and are kept; anything else is copied.
   */
  private static <V> Map<String, V> sorted(Map<String, V> m, Comparator<String> order) {
    if (m.getClass() == UNMODIFIABLE_SORTED && ((SortedMap<String, V>) m).comparator() == order) {
      return m;
    }
    TreeMap<String, V> copy = new TreeMap<>(order);
    copy.putAll(m);
    return Collections.unmodifiableSortedMap(copy);
  }
}
