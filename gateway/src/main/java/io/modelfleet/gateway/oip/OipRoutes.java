package io.modelfleet.gateway.oip;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.gateway.memory.BodyAdmission;
import io.modelfleet.gateway.memory.MemorySettings;
import io.modelfleet.gateway.observe.InferenceRecords;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.ClientGone;
import io.modelfleet.gateway.routing.InferenceDispatcher;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.gateway.shm.ShmTensors;
import io.modelfleet.ops.observe.InferenceObserver;
import io.modelfleet.ops.observe.Observers;
import io.modelfleet.ops.tracing.GatewaySpan;
import io.modelfleet.ops.tracing.Tracing;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * The Open Inference Protocol (KServe v2) data plane under {@code /v2}: server metadata and health,
 * model metadata and readiness, and inference. Versioned and unversioned paths share one set of
 * handlers; a null version means "the version this server would use now". Inference bodies and
 * answers may carry tensors as binary data after the JSON (Triton's binary tensor data extension:
 * {@link BinaryRequest}, {@link BinaryResponse}).
 */
public final class OipRoutes extends RouteSupport {

  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final InferenceDispatcher dispatcher;
  private final HealthCheck health;
  private final Observers observers;
  private final Tracing tracing;

  /** Past the dispatcher's own deadline, so the dispatcher's 504 is what the client sees. */
  private final Duration inferRequestTimeout;

  private final long maxJsonResponseBytes;

  /** Inputs and outputs in registered system shared memory regions. */
  private final ShmTensors shm;

  public OipRoutes(
      GatewaySettings settings,
      MemorySettings memory,
      RegistryClient registry,
      ReplicaDirectory directory,
      InferenceDispatcher dispatcher,
      HealthCheck health,
      Observers observers,
      Tracing tracing,
      ShmTensors shm) {
    super(settings.maxJsonBody());
    this.shm = shm;
    this.observers = observers;
    this.tracing = tracing;
    this.maxJsonResponseBytes = memory.maxJsonResponseBytes();
    this.registry = registry;
    this.directory = directory;
    this.dispatcher = dispatcher;
    this.health = health;
    this.inferRequestTimeout = settings.inferRequestTimeout();
  }

  public Route route(Caller caller) {
    return pathPrefix(
        "v2",
        () ->
            concat(
                pathEndOrSingleSlash(() -> get(() -> complete(MetadataJson.server()))),
                path(
                    segment("health").slash("live"),
                    () -> get(() -> complete(MetadataJson.live()))),
                path(
                    segment("health").slash("ready"),
                    () ->
                        get(
                            () ->
                                respond(
                                    caller,
                                    health
                                        .problem()
                                        .thenApply(p -> MetadataJson.ready(p.orElse(null)))))),
                pathPrefix(
                    segment("models").slash(segment()),
                    model ->
                        concat(
                            modelRoutes(caller, model, null),
                            pathPrefix(
                                segment("versions").slash(segment()),
                                version -> modelRoutes(caller, model, version))))));
  }

  private Route modelRoutes(Caller caller, String model, String version) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> respond(caller, metadata(model, version)))),
        path("ready", () -> get(() -> respond(caller, ready(model, version)))),
        path("config", () -> get(() -> respond(caller, config(model, version)))),
        path(
            "infer",
            () ->
                post(
                    () ->
                        withRequestTimeout(
                            inferRequestTimeout,
                            () ->
                                extractRequest(
                                    http ->
                                        optionalHeaderValueByName(
                                            BinaryRequest.HEADER,
                                            headerLength ->
                                                // infer() releases the ticket itself once its
                                                // answer exists, whatever happens.
                                                budgetedBody(
                                                    1,
                                                    (body, ticket) ->
                                                        infer(
                                                            caller,
                                                            model,
                                                            version,
                                                            headerLength.orElse(null),
                                                            body,
                                                            ticket,
                                                            ClientGone.of(http)))))))));
  }

  private CompletionStage<HttpResponse> metadata(String model, String version) {
    return registry
        .existing(model)
        .thenApply(
            view ->
                MetadataJson.model(
                    view, Readiness.requireVersion(view, version, directory.current())));
  }

  /** Triton's model configuration of the version (the default one without a version). */
  private CompletionStage<HttpResponse> config(String model, String version) {
    return registry
        .existing(model)
        .thenApply(
            view -> {
              VersionInfo info = Readiness.requireVersion(view, version, directory.current());
              return ConfigJson.of(view.name(), info, view.deployments().get(info.version()));
            });
  }

  private CompletionStage<HttpResponse> ready(String model, String version) {
    RoutingTable table = directory.current();
    boolean ready = Readiness.readyNow(table, registry::aliases, model, version);
    if (ready) {
      // Probes hit this often; a READY replica is proof enough without asking the registry.
      return CompletableFuture.completedFuture(MetadataJson.modelReady(model));
    }
    return registry
        .existing(model)
        .thenApply(
            view -> {
              if (version != null && !Readiness.known(view, version)) {
                throw ApiException.notFound(Readiness.unknownVersion(view, version));
              }
              return MetadataJson.modelNotReady(model, Readiness.whyNotReady(view, table, version));
            });
  }

  /**
   * {@code headerLength}: the Inference-Header-Content-Length of a binary body, else null. The
   * ticket is released once the response exists, however the request ends.
   */
  private Route infer(
      Caller caller,
      String model,
      String version,
      String headerLength,
      ByteString body,
      BodyAdmission.Ticket ticket,
      ClientGone gone) {
    CompletionStage<HttpResponse> response;
    try {
      InferCall call = InferJson.parseRequest(headerLength, body, ticket, shm);
      InferenceObserver observer = observers.inference();
      GatewaySpan span =
          tracing.enabled()
              ? tracing.gatewaySpan("infer " + model, caller.traceparent(), model)
              : GatewaySpan.NONE;
      InferRequest request =
          span.traceparent() == null
              ? call.request()
              : call.request().withTraceparent(span.traceparent());
      response =
          dispatcher
              .infer(model, version, request, gone)
              .thenApply(
                  reply -> {
                    if (observer != InferenceObserver.NONE) {
                      observer.inferred(InferenceRecords.of(caller, model, call.request(), reply));
                    }
                    return toResponse(reply, call, ticket);
                  });
      if (span != GatewaySpan.NONE) {
        response =
            response.whenComplete(
                (r, e) ->
                    span.end(
                        (r != null ? r : ErrorHandling.response(caller, e)).status().intValue()));
      }
    } catch (ApiException e) {
      response =
          e.status() == 400
              ? Readiness.unlessUnknown(registry, model, version, e)
              : CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    } catch (Error e) {
      // An OutOfMemoryError while decoding is exactly when the budget must not lose this share.
      ticket.release();
      throw e;
    }
    return respond(caller, response.whenComplete((r, e) -> ticket.release()));
  }

  /**
   * The HTTP answer. The JSON it is about to build is charged to the request's ticket first: a
   * small request to a model that amplifies its input is otherwise free to fill the heap with
   * responses.
   */
  private HttpResponse toResponse(InferReply reply, InferCall call, BodyAdmission.Ticket ticket) {
    if (reply instanceof InferReply.InferResult r) {
      String problem = ResponseSize.jsonProblem(r, call.binaryOutputs(), maxJsonResponseBytes);
      if (problem != null) {
        return Json.error(400, problem);
      }
      ticket.reserveResponse(ResponseSize.jsonBytes(r, call.binaryOutputs()));
      if (!call.binaryOutputs().shm().isEmpty()) {
        shm.writeOutputs(r.outputs(), call.binaryOutputs().shm());
      }
      return BinaryResponse.of(r, call);
    }
    InferReply.InferFailure f = (InferReply.InferFailure) reply;
    return Json.error(f.status(), f.error());
  }
}
