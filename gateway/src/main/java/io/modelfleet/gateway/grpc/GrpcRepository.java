package io.modelfleet.gateway.grpc;

import static io.modelfleet.gateway.grpc.GrpcAccess.modelPath;

import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.grpc.proto.ModelRepositoryParameter;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexResponse;
import io.modelfleet.gateway.grpc.proto.RepositoryModelLoadRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryModelLoadResponse;
import io.modelfleet.gateway.grpc.proto.RepositoryModelUnloadRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryModelUnloadResponse;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.repository.LoadRequest;
import io.modelfleet.gateway.repository.ModelLoader;
import io.modelfleet.gateway.repository.RepositoryIndex;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.protocol.model.ModelView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Triton's model repository extension over gRPC: index, load and unload, through the same {@link
 * ModelLoader} as {@code POST /v2/repository/models/{m}/load|unload} and with that route's access
 * decision (the model's DEPLOY right). A load's {@code config} comes as {@code string_param}, its
 * {@code file:<version>/model.onnx} files as {@code bytes_param} (as tritonclient.grpc sends them);
 * the files count against the key's and tenant's daily upload quota, and a refusal is {@code
 * RESOURCE_EXHAUSTED} with the HTTP answer's sentence.
 */
final class GrpcRepository {

  private static final RepositoryModelLoadResponse LOADED =
      RepositoryModelLoadResponse.getDefaultInstance();
  private static final RepositoryModelUnloadResponse UNLOADED =
      RepositoryModelUnloadResponse.getDefaultInstance();

  private final GrpcAccess access;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final ModelLoader loader;
  private final DeploymentLimits limits;

  GrpcRepository(
      GrpcAccess access,
      RegistryClient registry,
      ReplicaDirectory directory,
      ModelLoader loader,
      DeploymentLimits limits) {
    this.access = access;
    this.registry = registry;
    this.directory = directory;
    this.loader = loader;
    this.limits = limits;
  }

  void index(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
    access.answer(
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

  void load(RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
    String model = request.getModelName();
    access.answer(
        "POST",
        repositoryPath(model, "load"),
        out,
        who ->
            loader.load(
                model,
                loadRequest(request.getParametersMap(), limits),
                caller(who),
                refused -> {
                  throw new ApiException(refused.status(), refused.message());
                },
                () -> LOADED));
  }

  void unload(
      RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
    String model = request.getModelName();
    access.answer(
        "POST",
        repositoryPath(model, "unload"),
        out,
        who -> loader.unload(model, caller(who)).thenApply(view -> UNLOADED));
  }

  /**
   * The load's typed parameters as {@link LoadRequest} reads them: {@code config} a string, each
   * file bytes; other parameters are Triton options this server does not act on, ignored as over
   * HTTP.
   */
  static LoadRequest loadRequest(
      Map<String, ModelRepositoryParameter> parameters, DeploymentLimits limits) {
    String config = null;
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Map.Entry<String, ModelRepositoryParameter> p : parameters.entrySet()) {
      String key = p.getKey();
      ModelRepositoryParameter value = p.getValue();
      if (key.equals("config")) {
        if (value.getParameterChoiceCase()
            != ModelRepositoryParameter.ParameterChoiceCase.STRING_PARAM) {
          throw ApiException.badRequest(
              "parameter 'config' must be a string_param holding the model configuration as"
                  + " JSON, got "
                  + value.getParameterChoiceCase());
        }
        config = value.getStringParam();
      } else if (LoadRequest.isFile(key)) {
        if (value.getParameterChoiceCase()
            != ModelRepositoryParameter.ParameterChoiceCase.BYTES_PARAM) {
          throw ApiException.badRequest(
              "parameter '"
                  + key
                  + "' must be a bytes_param holding the file, got "
                  + value.getParameterChoiceCase());
        }
        files.put(key, value.getBytesParam().toByteArray());
      }
    }
    return LoadRequest.of(config, files, limits);
  }

  /** The HTTP path of a repository action on a model. */
  private static String repositoryPath(String model, String action) {
    // The same encoding as a model's path, under /v2/repository/models.
    return "/v2/repository" + modelPath(model, null).substring("/v2".length()) + "/" + action;
  }

  /** A caller for the registry's audit: the key, and a fresh request id (gRPC sends none). */
  private static Caller caller(Identity who) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new Caller(
        who.principal(), new UUID(random.nextLong(), random.nextLong()).toString(), who);
  }
}
