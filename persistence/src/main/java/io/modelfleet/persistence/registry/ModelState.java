package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ModelView.VersionOrder;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.VersionInfo;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * State of one model, rebuilt from its events. Immutable: every event yields a new state, so a
 * reply built from a state can never see a later change.
 */
public record ModelState(
    String name,
    Map<String, VersionInfo> versions,
    Map<String, DeploymentSpec> deployments,
    Map<String, ReplicaPlacement> placements)
    implements io.modelfleet.protocol.FleetSerializable {

  static ModelState empty(String name) {
    return new ModelState(name, Map.of(), Map.of(), Map.of());
  }

  ModelState apply(ModelEvent event) {
    if (event instanceof ModelEvent.VersionRegistered e) {
      return new ModelState(name, put(versions, e.version().version(), e.version()), deployments, placements);
    }
    if (event instanceof ModelEvent.DeploymentSet e) {
      String version = registered(e.spec().version());
      DeploymentSpec spec = version.equals(e.spec().version()) ? e.spec() : e.spec().withVersion(version);
      return new ModelState(name, versions, put(deployments, version, spec), placements);
    }
    if (event instanceof ModelEvent.DeploymentRemoved e) {
      String version = registered(e.version());
      TreeMap<String, DeploymentSpec> d = new TreeMap<>(VersionOrder.INSTANCE);
      d.putAll(deployments);
      d.remove(version);
      TreeMap<String, ReplicaPlacement> p = new TreeMap<>(placements);
      p.keySet().removeIf(id -> id.startsWith(name + "/" + version + "/"));
      return new ModelState(name, versions, Collections.unmodifiableMap(d), Collections.unmodifiableMap(p));
    }
    ModelEvent.ReplicaPlaced e = (ModelEvent.ReplicaPlaced) event;
    TreeMap<String, ReplicaPlacement> p = new TreeMap<>(placements);
    p.put(e.placement().replicaId(), e.placement());
    return new ModelState(name, versions, deployments, Collections.unmodifiableMap(p));
  }

  /**
   * The registered name a deployment event means. Versions are exact strings (see {@code Names}),
   * but before that rule a journal could record a deployment of "01" for the registered version
   * "1" (the registry's version order called them equal). Such an event is read as meaning the
   * registered version, so that old journals replay into deployments the controller can place.
   * New events always name a registered version exactly, so this changes nothing for them.
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
    return new ModelView(name, versions, deployments, placements);
  }

  private static <V> Map<String, V> put(Map<String, V> m, String k, V v) {
    TreeMap<String, V> copy = new TreeMap<>(VersionOrder.INSTANCE);
    copy.putAll(m);
    copy.put(k, v);
    return Collections.unmodifiableMap(copy);
  }
}
