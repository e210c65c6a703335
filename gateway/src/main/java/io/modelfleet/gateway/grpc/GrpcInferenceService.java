package io.modelfleet.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.ModelConfigRequest;
import io.modelfleet.gateway.grpc.proto.ModelConfigResponse;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.grpc.proto.ModelMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ModelMetadataResponse;
import io.modelfleet.gateway.grpc.proto.ModelReadyRequest;
import io.modelfleet.gateway.grpc.proto.ModelReadyResponse;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexResponse;
import io.modelfleet.gateway.grpc.proto.ServerLiveRequest;
import io.modelfleet.gateway.grpc.proto.ServerLiveResponse;
import io.modelfleet.gateway.grpc.proto.ServerMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ServerMetadataResponse;
import io.modelfleet.gateway.grpc.proto.ServerReadyRequest;
import io.modelfleet.gateway.grpc.proto.ServerReadyResponse;
import io.modelfleet.gateway.observe.InferenceRecords;
import io.modelfleet.gateway.oip.HealthCheck;
import io.modelfleet.gateway.oip.MetadataJson;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.repository.RepositoryIndex;
import io.modelfleet.gateway.routing.InferenceDispatcher;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.gateway.security.BearerCredentials;
import io.modelfleet.gateway.security.GatewaySecurity;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.ops.observe.InferenceObserver;
import io.modelfleet.ops.observe.Observers;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Triton's / KServe's {@code inference.GRPCInferenceService}: the gRPC front door of the Open
 * Inference Protocol. It shares everything behind the wire format with {@code OipRoutes}: the same
 * access decision (on the equivalent HTTP route), the same registry reads, the same {@link
 * InferenceDispatcher}, and validation in the replica. A failure carries the HTTP answer's sentence
 * with the status code tritonclient maps that HTTP status to.
 *
 * <p>Handlers never block: each completes its observer from the dispatcher's or the registry's
 * future, so the server runs with a direct executor.
 */
public final class GrpcInferenceService
    extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  /** The Bearer secret of the call's {@code authorization} metadata, if any. */
  private static final Context.Key<Optional<String>> SECRET = Context.key("modelfleet-secret");

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final GatewaySecurity security;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final InferenceDispatcher dispatcher;
  private final HealthCheck health;
  private final Observers observers;

  public GrpcInferenceService(
      GatewaySecurity security,
      RegistryClient registry,
      ReplicaDirectory directory,
      InferenceDispatcher dispatcher,
      HealthCheck health,
      Observers observers) {
    this.observers = observers;
    this.security = security;
    this.registry = registry;
    this.directory = directory;
    this.dispatcher = dispatcher;
    this.health = health;
  }

  /** Puts the call's Bearer secret where the handlers read it. */
  public static ServerInterceptor credentials() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String header = headers.get(AUTHORIZATION);
        Optional<String> secret =
            header == null ? Optional.empty() : BearerCredentials.parse(header);
        return Contexts.interceptCall(
            Context.current().withValue(SECRET, secret), call, headers, next);
      }
    };
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    answer(
        "GET",
        "/v2/health/live",
        out,
        who -> done(ServerLiveResponse.newBuilder().setLive(true).build()));
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    answer(
        "GET",
        "/v2/health/ready",
        out,
        who ->
            health
                .problem()
                .thenApply(p -> ServerReadyResponse.newBuilder().setReady(p.isEmpty()).build()));
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    answer(
        "GET",
        "/v2",
        out,
        who ->
            done(
                ServerMetadataResponse.newBuilder()
                    .setName(MetadataJson.SERVER_NAME)
                    .setVersion(MetadataJson.SERVER_VERSION)
                    .addAllExtensions(MetadataJson.EXTENSIONS)
                    .build()));
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    String model = request.getName();
    String version = emptyToNull(request.getVersion());
    answer("GET", modelPath(model, version) + "/ready", out, who -> ready(model, version));
  }

  private CompletionStage<ModelReadyResponse> ready(String model, String version) {
    RoutingTable table = directory.current();
    boolean ready =
        version == null ? table.readyCount(model) > 0 : !table.ready(model, version).isEmpty();
    if (ready) {
      return done(ModelReadyResponse.newBuilder().setReady(true).build());
    }
    return registry
        .existing(model)
        .thenApply(
            view -> {
              if (version != null && !view.versions().containsKey(version)) {
                throw ApiException.notFound(Readiness.unknownVersion(view, version));
              }
              return ModelReadyResponse.newBuilder().setReady(false).build();
            });
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    String model = request.getName();
    String version = emptyToNull(request.getVersion());
    answer(
        "GET",
        modelPath(model, version),
        out,
        who ->
            registry
                .existing(model)
                .thenApply(
                    view -> {
                      VersionInfo info =
                          Readiness.requireVersion(view, version, directory.current());
                      return ModelMetadataResponse.newBuilder()
                          .setName(view.name())
                          .addAllVersions(view.versionNames())
                          .setPlatform(MetadataJson.PLATFORM)
                          .addAllInputs(specs(info.inputs()))
                          .addAllOutputs(specs(info.outputs()))
                          .build();
                    }));
  }

  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
    String model = request.getName();
    String version = emptyToNull(request.getVersion());
    answer(
        "GET",
        modelPath(model, version) + "/config",
        out,
        who ->
            registry
                .existing(model)
                .thenApply(
                    view -> {
                      VersionInfo info =
                          Readiness.requireVersion(view, version, directory.current());
                      return ModelConfigResponse.newBuilder()
                          .setConfig(
                              GrpcConfig.of(
                                  view.name(), info, view.deployments().get(info.version())))
                          .build();
                    }));
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
    answer(
        "POST",
        "/v2/repository/index",
        out,
        who ->
            registry
                .all(who)
                .thenApply(
                    views -> {
                      RoutingTable table = directory.current();
                      RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
                      for (ModelView view : views) {
                        for (String version : view.versionNames()) {
                          RepositoryIndex.Entry e = RepositoryIndex.entry(view, version, table);
                          if (request.getReady() && !e.state().equals("READY")) {
                            continue;
                          }
                          b.addModels(
                              RepositoryIndexResponse.ModelIndex.newBuilder()
                                  .setName(e.name())
                                  .setVersion(e.version())
                                  .setState(e.state())
                                  .setReason(e.reason() == null ? "" : e.reason()));
                        }
                      }
                      return b.build();
                    }));
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    String model = request.getModelName();
    String version = emptyToNull(request.getModelVersion());
    boolean raw = request.getRawInputContentsCount() > 0;
    answer(
        "POST",
        modelPath(model, version) + "/infer",
        out,
        who ->
            readRequest(model, version, request)
                .thenCompose(
                    r ->
                        dispatcher
                            .infer(model, version, r)
                            .whenComplete((reply, e) -> record(who, model, r, reply)))
                .thenApply(
                    reply -> {
                      if (reply instanceof InferReply.InferFailure f) {
                        throw new ApiException(f.status(), f.error());
                      }
                      return GrpcTensors.response((InferReply.InferResult) reply, raw);
                    }));
  }

  /** The usage record of an answered inference, as HTTP writes it. */
  private void record(Identity who, String model, InferRequest request, InferReply reply) {
    InferenceObserver observer = observers.inference();
    if (reply != null && observer != InferenceObserver.NONE) {
      Caller caller = new Caller(who.principal(), request.id(), who);
      observer.inferred(InferenceRecords.of(caller, model, request, reply));
    }
  }

  /**
   * The protocol request; a malformed one for a model or version that does not exist fails 404, as
   * over HTTP (the registry is asked only on this error path).
   */
  private CompletionStage<InferRequest> readRequest(
      String model, String version, ModelInferRequest request) {
    try {
      return done(GrpcTensors.request(request));
    } catch (ApiException badRequest) {
      return registry
          .view(model)
          .handle(
              (view, failure) -> {
                if (failure == null && !view.exists()) {
                  throw ApiException.notFound(RegistryClient.notRegistered(model));
                }
                if (failure == null && version != null && !view.versions().containsKey(version)) {
                  throw ApiException.notFound(Readiness.unknownVersion(view, version));
                }
                throw badRequest;
              });
    }
  }

  /**
   * Decides access as HTTP does for {@code method} {@code path}, runs {@code handler} and completes
   * {@code out} with its answer or the failure's status.
   */
  private <T> void answer(
      String method,
      String path,
      StreamObserver<T> out,
      Function<Identity, CompletionStage<T>> handler) {
    CompletionStage<T> answer;
    try {
      answer =
          security
              .identify(SECRET.get() == null ? Optional.empty() : SECRET.get(), method, path)
              .thenCompose(
                  passage -> {
                    CompletionStage<T> handled;
                    try {
                      handled = handler.apply(passage.identity());
                    } catch (RuntimeException e) {
                      handled = CompletableFuture.failedFuture(e);
                    }
                    return handled.whenComplete((v, e) -> passage.release());
                  });
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            out.onError(GrpcStatus.of(ErrorHandling.unwrap(failure)).asRuntimeException());
          } else {
            out.onNext(value);
            out.onCompleted();
          }
        });
  }

  private static List<ModelMetadataResponse.TensorMetadata> specs(List<TensorSpec> specs) {
    return specs.stream()
        .map(
            s ->
                ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName(s.name())
                    .setDatatype(s.datatype().name())
                    .addAllShape(s.shape())
                    .build())
        .toList();
  }

  /** The HTTP path of a model (percent-encoded, as a client would send it). */
  static String modelPath(String model, String version) {
    String path = "/v2/models/" + encode(model);
    return version == null ? path : path + "/versions/" + encode(version);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
