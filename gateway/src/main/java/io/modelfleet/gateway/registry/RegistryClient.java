package io.modelfleet.gateway.registry;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.gateway.security.TenantDirectory;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.service.ModelCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The gateway's calls to the model registry (one sharded ModelEntity per model name). Replies are
 * mapped here once: a {@link ModelReply.Rejected} becomes an {@link ApiException} with its HTTP
 * status, and a registry that does not answer within the ask timeout becomes a 503 naming the
 * model, so routes only ever see a {@link ModelView} or a failed future they can hand to {@link
 * ErrorHandling}.
 *
 * <p>Names that could never be registered are answered locally as "not registered" rather than
 * waking a sharded entity for them.
 */
public final class RegistryClient {

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ModelCatalog catalog;
  private final Duration askTimeout;
  private final TenantDirectory tenants;
  private final AliasBook aliases = new AliasBook(model -> view(model));

  public RegistryClient(ActorSystem<?> system, ModelCatalog catalog, Duration askTimeout) {
    this(system, catalog, askTimeout, new TenantDirectory());
  }

  /**
   * @param tenants learns the owner of every existing model read here, so that access checks know a
   *     model created a moment ago before the replicated map shows it
   */
  public RegistryClient(
      ActorSystem<?> system, ModelCatalog catalog, Duration askTimeout, TenantDirectory tenants) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.catalog = catalog;
    this.askTimeout = askTimeout;
    this.tenants = tenants;
  }

  public static ModelView absent(String model) {
    return new ModelView(model, Map.of(), Map.of(), Map.of());
  }

  public static String notRegistered(String model) {
    return "model '" + model + "' is not registered";
  }

  /** The model as the registry sees it; {@code exists()} is false for an unknown model. */
  public CompletionStage<ModelView> view(String model) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.completedFuture(absent(model));
    }
    return ask(model, ModelCommand.GetModel::new);
  }

  /** The model, or a failed future with 404 when it is not registered. */
  public CompletionStage<ModelView> existing(String model) {
    return view(model)
        .thenApply(
            v -> {
              if (!v.exists()) {
                throw ApiException.notFound(notRegistered(model));
              }
              return v;
            });
  }

  public CompletionStage<ModelView> deploy(String model, DeploymentSpec spec, RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return ask(model, replyTo -> new ModelCommand.Deploy(spec, meta, replyTo));
  }

  /**
   * Scales the autoscaled deployment of {@code version} from {@code from} to {@code to} replicas (a
   * no-op when it no longer has {@code from}); see {@link ModelCommand.Scale}.
   */
  public CompletionStage<ModelView> scale(
      String model, String version, int from, int to, RequestMeta meta) {
    return ask(model, replyTo -> new ModelCommand.Scale(version, from, to, meta, replyTo));
  }

  /** Removes the deployment of {@code version}, or of every version when it is null. */
  public CompletionStage<ModelView> undeploy(String model, String version, RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return ask(model, replyTo -> new ModelCommand.Undeploy(version, meta, replyTo));
  }

  /**
   * The aliases of {@code model} as this gateway knows them, without asking the registry (see
   * {@link AliasBook}): for routing.
   */
  public Map<String, AliasTarget> aliases(String model) {
    return aliases.of(model);
  }

  /** Points {@code alias} at {@code version}; {@code previous} serves until it is warm. */
  public CompletionStage<ModelView> setAlias(
      String model, String alias, String version, String previous, RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return setAlias(model, alias, version, previous, null, 0, null, 0, meta);
  }

  /**
   * As above, with the alias's traffic split: {@code canary} (null: none) gets {@code
   * canaryPercent} % of its requests, {@code shadow} (null: none) a copy of {@code shadowPercent}
   * %.
   */
  public CompletionStage<ModelView> setAlias(
      String model,
      String alias,
      String version,
      String previous,
      String canary,
      int canaryPercent,
      String shadow,
      int shadowPercent,
      RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return ask(
        model,
        replyTo ->
            new ModelCommand.SetAlias(
                alias,
                version,
                previous,
                canary,
                canaryPercent,
                shadow,
                shadowPercent,
                meta,
                replyTo));
  }

  public CompletionStage<ModelView> removeAlias(String model, String alias, RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return ask(model, replyTo -> new ModelCommand.RemoveAlias(alias, meta, replyTo));
  }

  /** Sets the stability checks of {@code version} (empty: removes them). */
  public CompletionStage<ModelView> setValidation(
      String model, String version, List<ValidationSample> samples, RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return ask(model, replyTo -> new ModelCommand.SetValidation(version, samples, meta, replyTo));
  }

  /** The actor system the registry is asked from. */
  public ActorSystem<?> system() {
    return system;
  }

  /**
   * Starts a rollout; {@code servingNow} is the version the alias (or unversioned route) serves.
   */
  public CompletionStage<ModelView> startRollout(
      String model, RolloutSpec spec, String servingNow, RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return ask(model, replyTo -> new ModelCommand.StartRollout(spec, servingNow, meta, replyTo));
  }

  /** A person's change of rollout {@code id}. */
  public CompletionStage<ModelView> changeRollout(
      String model, String id, RolloutChange change, RequestMeta meta) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(ApiException.notFound(notRegistered(model)));
    }
    return ask(
        model,
        replyTo ->
            new ModelCommand.ChangeRollout(
                id, change, RolloutChange.ANY_STEP, null, meta, replyTo));
  }

  /** The registered models {@code who} may see (its tenant's, and within them its grants). */
  public CompletionStage<List<ModelView>> all(Identity who) {
    return all()
        .thenApply(views -> views.stream().filter(v -> who.sees(v.name(), tenants)).toList());
  }

  /** Every registered model, in the catalog's (sorted) order; asked in parallel. */
  public CompletionStage<List<ModelView>> all() {
    return catalog
        .modelNames()
        .thenCompose(
            names -> {
              List<CompletableFuture<ModelView>> views = new ArrayList<>();
              for (String name : names) {
                views.add(view(name).toCompletableFuture());
              }
              return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x ->
                          views.stream()
                              .map(CompletableFuture::join)
                              .filter(ModelView::exists)
                              .toList());
            });
  }

  private CompletionStage<ModelView> ask(
      String model, Function<ActorRef<ModelReply>, ModelCommand> command) {
    return sharding
        .entityRefFor(ModelCommand.TYPE_KEY, model)
        .<ModelReply>ask(command::apply, askTimeout)
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                if (ErrorHandling.unwrap(failure) instanceof TimeoutException) {
                  throw ApiException.unavailable(
                      "the model registry did not answer within "
                          + askTimeout.toMillis()
                          + " ms for model '"
                          + model
                          + "'");
                }
                throw new IllegalStateException(
                    "registry call for model '" + model + "' failed", failure);
              }
              ModelView view = toView(reply);
              aliases.learn(view);
              if (view.exists()) {
                tenants.learn(model, view.tenant());
              }
              return view;
            });
  }

  static ModelView toView(ModelReply reply) {
    if (reply instanceof ModelReply.Current c) {
      return c.model();
    }
    if (reply instanceof ModelReply.Rejected r) {
      int status =
          switch (r.kind()) {
            case NOT_FOUND -> 404;
            case INVALID -> 400;
            case CONFLICT -> 409;
          };
      throw new ApiException(status, r.error());
    }
    throw new IllegalStateException("unexpected registry reply " + reply);
  }
}
