package io.modelfleet.gateway.routing;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The sentences that explain why a model or version cannot serve, shared by inference, the
 * readiness endpoints and the repository load so that an operator reads the same words everywhere.
 */
public final class Readiness {

  private Readiness() {}

  public static String unknownVersion(ModelView view, String version) {
    return "model '"
        + view.name()
        + "' has no version '"
        + version
        + "'; versions: "
        + view.versionNames();
  }

  /**
   * "model 'm' version '1' has no Ready replica (1 LOADING)". {@code version} null means the model
   * as a whole.
   */
  public static String notReady(ModelView view, RoutingTable table, String version) {
    String m = view.name();
    List<ReplicaInfo> replicas = version == null ? table.replicas(m) : table.replicas(m, version);
    boolean deployed =
        version == null ? !view.deployments().isEmpty() : view.deployments().containsKey(version);
    String why;
    if (!replicas.isEmpty()) {
      why = RoutingTable.summary(replicas);
    } else if (deployed) {
      why = "deployed, but no replica has started yet";
    } else {
      why = "not deployed";
    }
    String subject =
        version == null ? "model '" + m + "'" : "model '" + m + "' version '" + version + "'";
    return subject + " has no Ready replica (" + why + ")";
  }

  /** {@link #notReady} of what a request names, where an alias answers in its own words. */
  public static String whyNotReady(ModelView view, RoutingTable table, String version) {
    var r =
        AliasResolution.resolve(
            view.name(), version, view.aliases(), v -> table.isReady(view.name(), v));
    return r.unavailable() != null ? r.unavailable() : notReady(view, table, r.version());
  }

  /** Every READY replica of the version sits on a node this gateway cannot reach. */
  public static String allUnreachable(String model, String version, int ready) {
    return "model '"
        + model
        + "' version '"
        + version
        + "' has "
        + ready
        + " Ready replica(s), all on nodes this gateway cannot reach";
  }

  /**
   * The version {@code asked} means: itself, or for an alias of the model (without one: the alias
   * {@code stable}, if there is one) the version serving it now, else its target; null when nothing
   * was asked and there is no {@code stable}.
   */
  public static String resolve(ModelView view, String asked, RoutingTable table) {
    return AliasResolution.resolve(
            view.name(), asked, view.aliases(), v -> table.isReady(view.name(), v))
        .version();
  }

  /** True when the model has {@code name} as a version or as an alias. */
  public static boolean known(ModelView view, String name) {
    return view.versions().containsKey(name) || view.aliases().containsKey(name);
  }

  /**
   * For readiness probes, without asking the registry: whether what a request names (a version, an
   * alias this gateway knows, or nothing) has a Ready replica to serve it now.
   */
  public static boolean readyNow(
      RoutingTable table,
      Function<String, Map<String, AliasTarget>> aliases,
      String model,
      String version) {
    if (version != null && table.isReady(model, version)) {
      return true;
    }
    if (table.readyCount(model) == 0) {
      return false;
    }
    var r =
        AliasResolution.resolve(model, version, aliases.apply(model), v -> table.isReady(model, v));
    if (r.unavailable() != null) {
      return false;
    }
    return r.version() == null ? table.readyCount(model) > 0 : table.isReady(model, r.version());
  }

  /**
   * The version a request without one would reach: the highest with a READY replica, else the
   * latest; null when the model has no version.
   */
  public static String defaultVersion(ModelView view, RoutingTable table) {
    String ready = table.defaultVersion(view.name());
    if (ready != null && view.versions().containsKey(ready)) {
      return ready;
    }
    return view.latestVersion().map(VersionInfo::version).orElse(null);
  }

  /**
   * The version a request names (an alias: the version serving it now, else its target), or without
   * one the version serving the alias {@code stable}, else the {@link #defaultVersion}; a 404
   * {@link ApiException} naming the versions there are when there is none such.
   */
  public static VersionInfo requireVersion(ModelView view, String version, RoutingTable table) {
    String v = resolve(view, version, table);
    v = v != null ? v : defaultVersion(view, table);
    VersionInfo info = v == null ? null : view.versions().get(v);
    if (info == null) {
      throw ApiException.notFound(unknownVersion(view, version));
    }
    return info;
  }

  /**
   * Fails with {@code badRequest}, or with 404 when the model or version does not exist: for a
   * malformed request, the missing model is the bigger mistake. The registry is asked only on this
   * error path (HTTP and gRPC inference both use it).
   */
  public static <T> CompletionStage<T> unlessUnknown(
      RegistryClient registry, String model, String version, ApiException badRequest) {
    return registry
        .view(model)
        .handle(
            (view, failure) -> {
              if (failure == null && !view.exists()) {
                throw ApiException.notFound(RegistryClient.notRegistered(model));
              }
              if (failure == null && version != null && !known(view, version)) {
                throw ApiException.notFound(unknownVersion(view, version));
              }
              throw badRequest;
            });
  }
}
