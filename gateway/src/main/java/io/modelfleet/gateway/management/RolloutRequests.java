package io.modelfleet.gateway.management;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.AliasResolution;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutLive;
import io.modelfleet.protocol.rollout.RolloutSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;

/**
 * The rollout routes: start ({@code POST /v1/models/{m}/rollouts}), read (with the rollout
 * controller's live numbers, read from this node's replica of {@link RolloutLive#KEY}: no request
 * crosses to the controller), and a person's pause, resume, promote or abort. The registry checks
 * and records; the controller does the rest.
 */
final class RolloutRequests {
  private static final Duration LOCAL_READ = Duration.ofSeconds(3);

  private final RegistryClient registry;
  private final Supplier<RoutingTable> table;
  private final RolloutDefaults defaults;
  private final ActorSystem<?> system;

  RolloutRequests(RegistryClient registry, Supplier<RoutingTable> table) {
    this.registry = registry;
    this.table = table;
    this.system = registry.system();
    this.defaults = RolloutDefaults.fromConfig(system.settings().config());
  }

  CompletionStage<HttpResponse> start(Caller caller, String model, ByteString body) {
    RolloutSpec spec = RolloutRequest.parse(Json.parse(body), defaults);
    return registry
        .existing(model)
        .thenCompose(
            view ->
                registry.startRollout(
                    model, spec, servingNow(view, spec.alias()), caller.meta("rollout started")))
        .thenApply(
            view -> {
              // The registry adds a rollout at the end; the model has one active rollout.
              Rollout r = view.activeRollout().orElseThrow();
              return Json.response(201, g -> RolloutJson.rollout(model, r, null, g));
            });
  }

  CompletionStage<HttpResponse> list(String model) {
    return registry
        .existing(model)
        .thenCombine(
            live(),
            (view, live) -> {
              List<Rollout> newest = new ArrayList<>(view.rollouts());
              Collections.reverse(newest);
              return Json.ok(g -> RolloutJson.list(model, newest, live, g));
            });
  }

  CompletionStage<HttpResponse> one(String model, String id) {
    return registry
        .existing(model)
        .thenCombine(
            live(),
            (view, live) -> {
              Rollout r = find(view, id);
              return Json.ok(
                  g -> RolloutJson.rollout(model, r, live.get(RolloutLive.entry(model, id)), g));
            });
  }

  CompletionStage<HttpResponse> change(Caller caller, String model, String id, String action) {
    RolloutChange change =
        switch (action) {
          case "pause" -> RolloutChange.PAUSE;
          case "resume" -> RolloutChange.RESUME;
          case "promote" -> RolloutChange.PROMOTE;
          case "abort" -> RolloutChange.ABORT;
          default ->
              throw ApiException.notFound(
                  "no rollout action '" + action + "'; actions: pause, resume, promote, abort");
        };
    String reason =
        action.toLowerCase(Locale.ROOT)
            + (action.endsWith("e") ? "d" : "ed")
            + " by "
            + caller.principal();
    return registry
        .changeRollout(model, id, change, caller.meta(reason))
        .thenApply(view -> Json.ok(g -> RolloutJson.rollout(model, find(view, id), null, g)));
  }

  private static Rollout find(ModelView view, String id) {
    return view.rollout(id)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "model '"
                        + view.name()
                        + "' has no rollout '"
                        + id
                        + "'; rollouts: "
                        + view.rollouts().stream().map(Rollout::id).toList()));
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

  private CompletionStage<Map<String, RolloutLive>> live() {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, RolloutLive>>>ask(
            DistributedData.get(system).replicator(),
            replyTo -> new Replicator.Get<>(RolloutLive.KEY, Replicator.readLocal(), replyTo),
            LOCAL_READ,
            system.scheduler())
        .thenApply(
            reply ->
                reply instanceof Replicator.GetSuccess<LWWMap<String, RolloutLive>> ok
                    ? ok.dataValue().getEntries()
                    : Map.<String, RolloutLive>of());
  }
}
