package io.modelfleet.gateway.security;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.limits.Admission;
import io.modelfleet.gateway.limits.Admitted;
import io.modelfleet.gateway.limits.GatewayCount;
import io.modelfleet.gateway.limits.LimitResponses;
import io.modelfleet.gateway.limits.LimitSettings;
import io.modelfleet.gateway.limits.Limiter;
import io.modelfleet.gateway.limits.Refused;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.service.KeyAdmin;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access control of one gateway, put together: the key cache and the model-tenant directory (each
 * kept by a subscription to the replicated maps), the per-request {@link Authentication}, and the
 * {@code /v1/keys} routes. The server holds one and stops it with itself.
 */
public final class GatewaySecurity extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(GatewaySecurity.class);

  private static final String KEYS_STARTING =
      "access control is starting: the API keys have not arrived yet; retry";

  private final Authentication authentication;
  private final TenantDirectory tenants;
  private final Optional<KeyRoutes> keyRoutes;
  private final ActorRef<KeyCacheSubscriber.Command> keySubscriber;
  private final ActorRef<TenantDirectorySubscriber.Command> tenantSubscriber;
  private final KeyCache keys;
  private final Limiter limiter;
  private final Cancellable countGateways;
  private final Function<String, CompletionStage<?>> lookup;

  private GatewaySecurity(
      Authentication authentication,
      TenantDirectory tenants,
      Optional<KeyRoutes> keyRoutes,
      ActorRef<KeyCacheSubscriber.Command> keySubscriber,
      ActorRef<TenantDirectorySubscriber.Command> tenantSubscriber,
      KeyCache keys,
      Limiter limiter,
      Cancellable countGateways,
      Function<String, CompletionStage<?>> lookup) {
    this.lookup = lookup;
    this.keys = keys;
    this.limiter = limiter;
    this.countGateways = countGateways;
    this.authentication = authentication;
    this.tenants = tenants;
    this.keyRoutes = keyRoutes;
    this.keySubscriber = keySubscriber;
    this.tenantSubscriber = tenantSubscriber;
  }

  /**
   * Starts the subscriptions; {@code keyAdmin} empty leaves {@code /v1/keys} unserved (a node
   * without key management answers it like any unknown path).
   *
   * @param tenants the owners of models, which the gateway's registry reads also fill
   * @param registryRead reads a model this gateway has not seen yet (and so records its owner in
   *     {@code tenants}): a request for it is decided after the read, so a model created a moment
   *     ago by another tenant is never taken for a free name
   * @param instance distinguishes the actors of several gateways in one actor system (tests)
   */
  public static GatewaySecurity start(
      ActorSystem<?> system,
      long maxJsonBody,
      Optional<KeyAdmin> keyAdmin,
      TenantDirectory tenants,
      Function<String, CompletionStage<?>> registryRead,
      int instance) {
    SecuritySettings settings = SecuritySettings.fromConfig(system.settings().config());
    if (!settings.enabled()) {
      log.warn(
          "modelfleet.security.mode = off: every endpoint is anonymous and anyone who can reach"
              + " this port can upload, deploy, delete and stop nodes. For local experiments only.");
    }
    KeyCache keys = new KeyCache();
    ActorRef<KeyCacheSubscriber.Command> keySubscriber =
        system.systemActorOf(
            KeyCacheSubscriber.create(keys), "gateway-keys-" + instance, Props.empty());
    ActorRef<TenantDirectorySubscriber.Command> tenantSubscriber =
        system.systemActorOf(
            TenantDirectorySubscriber.create(tenants),
            "gateway-tenants-" + instance,
            Props.empty());
    // Each gateway enforces its share of every limit: the number of Up gateways, read once a
    // second (membership changes are rare; a request never reads cluster state).
    GatewayCount gateways = new GatewayCount();
    Cluster cluster = Cluster.get(system);
    Cancellable countGateways =
        system
            .scheduler()
            .scheduleAtFixedRate(
                Duration.ZERO,
                Duration.ofSeconds(1),
                () -> gateways.update(cluster.state().getMembers()),
                system.executionContext());
    return new GatewaySecurity(
        new Authentication(settings, keys, tenants),
        tenants,
        keyAdmin.map(
            a ->
                new KeyRoutes(
                    new LocallyAppliedKeys(a, keys), maxJsonBody, System::currentTimeMillis)),
        keySubscriber,
        tenantSubscriber,
        keys,
        new Limiter(LimitSettings.fromConfig(system.settings().config()), gateways),
        countGateways,
        registryRead);
  }

  /**
   * Fills the key cache from this node's replica of the key map, read once, so that a gateway bound
   * after it authenticates at once (the subscription's first notice can take up to the replicator's
   * notify interval). Completes either way; an absent map leaves the cache waiting.
   */
  public CompletionStage<Void> loadKeys(ActorSystem<?> system) {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, ApiKey>>>ask(
            DistributedData.get(system).replicator(),
            replyTo -> new Replicator.Get<>(ClusterKeys.API_KEYS, Replicator.readLocal(), replyTo),
            Duration.ofSeconds(3),
            system.scheduler())
        .handle(
            (got, failure) -> {
              if (got instanceof Replicator.GetSuccess<LWWMap<String, ApiKey>> ok
                  && !keys.received()) {
                keys.replace(ok.get(ClusterKeys.API_KEYS).getEntries().values());
              }
              return null;
            });
  }

  /**
   * Authenticates and authorises the request from its head alone (no body byte is read first):
   * either the refusal (401, 403 or 404 as JSON) or {@code inner} with the caller's identity.
   */
  public Route authorize(Caller anonymous, Function<Caller, Route> inner) {
    return extractRequest(
        request -> {
          if (!authentication.enabled()) {
            return inner.apply(anonymous);
          }
          // Read once per request: the unknown-model check and the decision share it.
          RouteRequirement needs =
              RoutePermissions.of(request.method().name(), request.getUri().path());
          if (needs instanceof RouteRequirement.Needs n
              && n.model() != null
              && tenants.ownerOf(n.model()).isEmpty()) {
            return onComplete(
                lookup.apply(n.model()), read -> decide(request, needs, anonymous, inner));
          }
          return decide(request, needs, anonymous, inner);
        });
  }

  private Route decide(
      HttpRequest request,
      RouteRequirement needs,
      Caller anonymous,
      Function<Caller, Route> inner) {
    Authentication.Outcome outcome =
        authentication.check(BearerCredentials.from(request), needs, System.currentTimeMillis());
    if (outcome instanceof Authentication.Refused && authentication.enabled() && !keys.received()) {
      // No key map yet (the node has just started): "unknown key" would be wrong, and final.
      return complete(Json.error(503, KEYS_STARTING).addHeader(RetryAfter.create(1L)));
    }
    if (outcome instanceof Authentication.Refused refused) {
      return complete(refused.response());
    }
    Identity identity = ((Authentication.Authorized) outcome).identity();
    Caller caller = anonymous.as(identity);
    if (identity.key().isEmpty()) {
      return inner.apply(caller);
    }
    Admission admission = limiter.admit(identity.key().get(), System.nanoTime());
    if (admission instanceof Refused refused) {
      return complete(LimitResponses.refused(refused));
    }
    Admitted admitted = (Admitted) admission;
    if (admitted == Admitted.FREE) {
      // No in-flight limit applies: nothing to give back, so no callback on the request's path
      // (a callback on pekko's future runs on a thread of its own).
      return inner.apply(caller);
    }
    // Released when the route has its answer, whether a response, a rejection or a failure.
    return mapRouteResultFuture(
        result -> result.whenComplete((r, failure) -> admitted.release()),
        () -> inner.apply(caller));
  }

  /**
   * The decision {@link #authorize} makes, for a request that is not HTTP (the gRPC front door):
   * {@code method} and {@code rawPath} name the equivalent HTTP route. Completes with the caller's
   * identity and the key's in-flight places (which the caller releases once its answer exists), or
   * fails with an {@link ApiException} carrying the status and sentence the HTTP answer would (401,
   * 403, 404; 503 while the keys have not arrived; 429 or 503 from the key's and tenant's limits).
   */
  public CompletionStage<Passage> identify(Optional<String> secret, String method, String rawPath) {
    if (!authentication.enabled()) {
      return CompletableFuture.completedFuture(new Passage(Identity.ANONYMOUS, Admitted.FREE));
    }
    RouteRequirement needs = RoutePermissions.of(method, rawPath);
    CompletionStage<?> read =
        needs instanceof RouteRequirement.Needs n
                && n.model() != null
                && tenants.ownerOf(n.model()).isEmpty()
            ? lookup.apply(n.model()).exceptionally(e -> null)
            : CompletableFuture.completedFuture(null);
    return read.thenApply(
        done -> {
          Identity identity;
          try {
            identity = authentication.identify(secret, needs, System.currentTimeMillis());
          } catch (ApiException e) {
            if (!keys.received()) {
              throw ApiException.unavailable(KEYS_STARTING);
            }
            throw e;
          }
          if (identity.key().isEmpty()) {
            return new Passage(identity, Admitted.FREE);
          }
          Admission admission = limiter.admit(identity.key().get(), System.nanoTime());
          if (admission instanceof Refused refused) {
            throw new ApiException(refused.status(), refused.message());
          }
          return new Passage(identity, (Admitted) admission);
        });
  }

  /** The daily upload quotas of this gateway's keys and tenants. */
  public UploadGate uploads() {
    return UploadGate.of(limiter, System::currentTimeMillis);
  }

  /** The {@code /v1/keys} routes, when this node manages keys. */
  public Route keyRoutes(Caller caller) {
    return keyRoutes.map(k -> k.route(caller)).orElseGet(this::reject);
  }

  public void stop() {
    countGateways.cancel();
    keySubscriber.tell(new KeyCacheSubscriber.Stop());
    tenantSubscriber.tell(new TenantDirectorySubscriber.Stop());
  }
}
