package io.modelfleet.gateway.grpc;

import static io.modelfleet.gateway.grpc.GrpcAccess.done;
import static io.modelfleet.gateway.grpc.GrpcAccess.emptyToNull;
import static io.modelfleet.gateway.grpc.GrpcAccess.modelPath;

import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.ModelConfigRequest;
import io.modelfleet.gateway.grpc.proto.ModelConfigResponse;
import io.modelfleet.gateway.grpc.proto.ModelMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ModelMetadataResponse;
import io.modelfleet.gateway.grpc.proto.ModelReadyRequest;
import io.modelfleet.gateway.grpc.proto.ModelReadyResponse;
import io.modelfleet.gateway.grpc.proto.ServerLiveRequest;
import io.modelfleet.gateway.grpc.proto.ServerLiveResponse;
import io.modelfleet.gateway.grpc.proto.ServerMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ServerMetadataResponse;
import io.modelfleet.gateway.grpc.proto.ServerReadyRequest;
import io.modelfleet.gateway.grpc.proto.ServerReadyResponse;
import io.modelfleet.gateway.oip.HealthCheck;
import io.modelfleet.gateway.oip.MetadataJson;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Health, server and model metadata, model readiness and configuration over gRPC: the answers of
 * the HTTP {@code OipRoutes} (same registry reads, same version resolution, same sentences) as
 * protobuf messages.
 */
final class GrpcModelInfo {

  private static final ServerLiveResponse LIVE =
      ServerLiveResponse.newBuilder().setLive(true).build();

  private final GrpcAccess access;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final HealthCheck health;

  GrpcModelInfo(
      GrpcAccess access, RegistryClient registry, ReplicaDirectory directory, HealthCheck health) {
    this.access = access;
    this.registry = registry;
    this.directory = directory;
    this.health = health;
  }

  void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    access.answer("GET", "/v2/health/live", out, who -> done(LIVE));
  }

  void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    access.answer(
        "GET",
        "/v2/health/ready",
        out,
        who ->
            health
                .problem()
                .thenApply(p -> ServerReadyResponse.newBuilder().setReady(p.isEmpty()).build()));
  }

  void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    access.answer(
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

  void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    String model = request.getName();
    String version = emptyToNull(request.getVersion());
    access.answer("GET", modelPath(model, version) + "/ready", out, who -> ready(model, version));
  }

  private CompletionStage<ModelReadyResponse> ready(String model, String version) {
    RoutingTable table = directory.current();
    boolean ready = Readiness.readyNow(table, registry::aliases, model, version);
    if (ready) {
      return done(ModelReadyResponse.newBuilder().setReady(true).build());
    }
    return registry
        .existing(model)
        .thenApply(
            view -> {
              if (version != null && !Readiness.known(view, version)) {
                throw ApiException.notFound(Readiness.unknownVersion(view, version));
              }
              return ModelReadyResponse.newBuilder().setReady(false).build();
            });
  }

  void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    String model = request.getName();
    String version = emptyToNull(request.getVersion());
    access.answer(
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

  void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
    String model = request.getName();
    String version = emptyToNull(request.getVersion());
    access.answer(
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
}
