package io.modelfleet.gateway.management;

import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.AliasResolution;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelView;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.util.ByteString;

/**
 * {@code PUT /v1/models/{m}/aliases/{alias}} with {@code {"version": "2"}} (and optionally a
 * traffic split, see {@link AliasSplitJson}) and {@code DELETE} of the same path. The registry
 * records the change; the version that serves the alias when it is moved is recorded with it and
 * keeps serving until the new target is warm.
 */
final class AliasRequests {

  private final RegistryClient registry;
  private final Supplier<RoutingTable> table;

  AliasRequests(RegistryClient registry, Supplier<RoutingTable> table) {
    this.registry = registry;
    this.table = table;
  }

  CompletionStage<ModelView> set(Caller caller, String model, String alias, ByteString body) {
    AliasSplitJson split = AliasSplitJson.parse(Json.parseObject(body));
    return registry
        .existing(model)
        .thenCompose(
            view ->
                registry.setAlias(
                    model,
                    alias,
                    split.version(),
                    servingNow(view, alias),
                    split.canary() == null ? null : split.canary().version(),
                    split.canary() == null ? 0 : split.canary().percent(),
                    split.shadow() == null ? null : split.shadow().version(),
                    split.shadow() == null ? 0 : split.shadow().percent(),
                    caller.meta()));
  }

  CompletionStage<ModelView> remove(Caller caller, String model, String alias) {
    return registry.removeAlias(model, alias, caller.meta());
  }

  /**
   * What serves {@code alias} now: for an existing alias its serving version (its previous one when
   * it has none), for a new {@code stable} the version the unversioned route serves.
   */
  private String servingNow(ModelView view, String alias) {
    RoutingTable t = table.get();
    AliasTarget current = view.aliases().get(alias);
    if (current != null) {
      String serving = AliasResolution.serving(current, v -> t.isReady(view.name(), v));
      return serving != null ? serving : current.previous();
    }
    return AliasResolution.STABLE.equals(alias) ? t.defaultVersion(view.name()) : null;
  }
}
