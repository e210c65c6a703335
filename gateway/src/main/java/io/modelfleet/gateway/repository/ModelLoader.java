package io.modelfleet.gateway.repository;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.cluster.GpuAvailability;
import io.modelfleet.gateway.limits.LimitResponses;
import io.modelfleet.gateway.limits.Refused;
import io.modelfleet.gateway.limits.UploadAdmission;
import io.modelfleet.gateway.limits.UploadAdmitted;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.registry.UploadResults;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.gateway.security.UploadGate;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import io.modelfleet.protocol.service.ModelUploads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Carries out a Triton repository load: upload the files it brings, deploy the version to serve,
 * wait until that version has a READY replica, then retire every other deployed version.
 *
 * <pre>
 * step      what                                         failure
 * upload    each file:{v}/model.onnx, lowest v first     409 / 413 / 400 from the upload
 * validate  each file:{v}/validation.json's samples       400 when they do not fit version v
 * choose    highest uploaded version, else latest        404 when the model has no version
 * deploy    Deploy(spec) in the registry                 the registry's 404 / 400 / 409
 * wait      poll the routing table (load-poll-interval)  400 if every replica FAILED, 503 on timeout
 * retire    Undeploy every other deployed version        (registry errors)
 * </pre>
 *
 * A load that asks for GPU instances (KIND_GPU, or a GPU deployment it keeps) on a cluster whose
 * workers report no GPU answers 400 at once, before uploading anything: its replicas could only sit
 * PENDING until the timeout, and the caller is waiting. (POST /v1/models/{m}/deployments, by
 * contrast, records the desired state and answers 202, since a GPU worker may join later.)
 *
 * <p>The whole load, uploads included, has one deadline ({@code load-timeout} from its arrival),
 * after which it answers 503 naming the replicas' states. The route's request timeout is a little
 * longer (GatewaySettings.loadRequestTimeout: the last registry calls fit in it), and the stall
 * timeout, which cuts a connection on which no byte moves, must be longer still: the gateway
 * refuses to start where it is not (TransportSettings.requireStallAbove), since a load would then
 * end in a reset connection instead of an answer.
 *
 * <p>Older versions are retired only after the new one is READY, as Triton's default version policy
 * ends up serving only the latest: requests never find no version at all, and a load that fails
 * leaves the previous version serving.
 */
public final class ModelLoader {

  private final ModelUploads uploads;
  private final UploadGate quotas;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final Duration loadTimeout;
  private final Duration pollInterval;
  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final Supplier<Optional<String>> noGpu;

  /**
   * @param noGpu empty when a GPU deployment could be placed, else why not (see {@link
   *     GpuAvailability#noGpu})
   */
  public ModelLoader(
      ActorSystem<?> system,
      ModelUploads uploads,
      UploadGate quotas,
      RegistryClient registry,
      ReplicaDirectory directory,
      Duration loadTimeout,
      Duration pollInterval,
      Supplier<Optional<String>> noGpu) {
    this.uploads = uploads;
    this.quotas = quotas;
    this.registry = registry;
    this.directory = directory;
    this.loadTimeout = loadTimeout;
    this.pollInterval = pollInterval;
    this.scheduler = system.scheduler();
    this.executor = system.executionContext();
    this.noGpu = noGpu;
  }

  /** The HTTP load: {@code {}} when done, a quota refusal with its Retry-After. */
  public CompletionStage<HttpResponse> load(String model, LoadRequest request, Caller caller) {
    return load(model, request, caller, LimitResponses::refused, Json::emptyObject);
  }

  /**
   * Carries out the load for either front: {@code done} is the answer once it completed; a refused
   * upload quota answers {@code onRefused} (which may throw to fail the load); every other failure
   * fails the stage with an {@link ApiException}.
   */
  public <T> CompletionStage<T> load(
      String model,
      LoadRequest request,
      Caller caller,
      Function<Refused, T> onRefused,
      Supplier<T> done) {
    String problem = Names.problem("model", model);
    if (problem != null) {
      return CompletableFuture.failedFuture(ApiException.badRequest(problem));
    }
    long deadline = System.nanoTime() + loadTimeout.toNanos();
    if (request.config() != null && request.config().device() == DeviceKind.GPU) {
      Optional<String> why = noGpu.get();
      if (why.isPresent()) {
        return CompletableFuture.failedFuture(
            ApiException.badRequest(gpuRefusal(model, "its config asks for KIND_GPU", why.get())));
      }
    }
    long bytes = request.files().values().stream().mapToLong(f -> f.length).sum();
    UploadAdmission admission =
        request.files().isEmpty() ? UploadAdmitted.FREE : quotas.admit(caller, bytes);
    if (admission instanceof Refused refused) {
      try {
        return CompletableFuture.completedFuture(onRefused.apply(refused));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    UploadAdmitted admitted = (UploadAdmitted) admission;
    // The quota counts the files handed to the store, stored or refused by it.
    AtomicLong passed = new AtomicLong();
    CompletionStage<Void> uploaded = CompletableFuture.completedFuture(null);
    for (Map.Entry<String, byte[]> file : request.files().entrySet()) {
      uploaded =
          uploaded.thenCompose(
              x -> {
                passed.addAndGet(file.getValue().length);
                return uploads
                    .upload(
                        model,
                        file.getKey(),
                        Source.single(ByteString.fromArray(file.getValue())),
                        caller.meta("Triton repository load"))
                    .thenAccept(UploadResults::requireStored);
              });
    }
    uploaded = uploaded.whenComplete((x, failure) -> admitted.settle(passed.get()));
    return uploaded
        .thenCompose(x -> LoadValidation.record(registry, model, request.validation(), caller))
        .thenCompose(x -> registry.existing(model))
        .thenCompose(
            view -> {
              String version =
                  request.highestUploadedVersion() != null
                      ? request.highestUploadedVersion()
                      : view.latestVersion().map(VersionInfo::version).orElseThrow();
              DeploymentSpec spec = spec(view, version, request.config());
              Optional<String> why =
                  spec.device() == DeviceKind.GPU ? noGpu.get() : Optional.empty();
              if (why.isPresent()) {
                throw ApiException.badRequest(
                    gpuRefusal(model, "it keeps the model's GPU deployment", why.get()));
              }
              return registry
                  .deploy(model, spec, caller.meta("Triton repository load"))
                  .thenCompose(deployed -> awaitReady(model, version, deadline))
                  .thenCompose(ready -> retireOthers(model, version, caller))
                  .thenApply(x -> done.get());
            });
  }

  /**
   * A Triton unload: removes every deployment of the model but keeps its versions, as Triton keeps
   * the files in its repository. Fails with 404 for an unknown model.
   */
  public CompletionStage<ModelView> unload(String model, Caller caller) {
    return registry.undeploy(model, null, caller.meta("Triton repository unload"));
  }

  /**
   * With a config, its instance groups decide. Without one, a load keeps the scale the model
   * already has (that version's deployment, else the highest deployed one), as a Triton reload
   * keeps the model's existing configuration; a first load runs one replica on any device.
   */
  static DeploymentSpec spec(ModelView view, String version, TritonConfig config) {
    if (config != null) {
      return new DeploymentSpec(
          version,
          config.replicas(),
          config.device(),
          BatchingSpec.NONE,
          SessionSpec.DEFAULTS,
          config.warmup(),
          config.responseCache());
    }
    DeploymentSpec current = view.deployments().get(version);
    if (current == null) {
      current =
          view.deployments().keySet().stream()
              .max(ModelView.VersionOrder.INSTANCE)
              .map(view.deployments()::get)
              .orElse(null);
    }
    if (current == null) {
      return new DeploymentSpec(version, 1, DeviceKind.AUTO);
    }
    if (current.autoscaled()) {
      // Keeps the autoscaling too; a load waits for a Ready replica, so one scaled to zero wakes.
      return new DeploymentSpec(
          version,
          Math.max(1, current.replicas()),
          current.device(),
          BatchingSpec.NONE,
          SessionSpec.DEFAULTS,
          List.of(),
          ResponseCacheSpec.OFF,
          current.autoscaling());
    }
    return new DeploymentSpec(version, current.replicas(), current.device());
  }

  private static String gpuRefusal(String model, String asks, String why) {
    return "cannot load '"
        + model
        + "' on a GPU: "
        + asks
        + ", but "
        + why
        + "; load it with KIND_CPU or KIND_AUTO, or add a worker with a GPU";
  }

  private CompletionStage<Void> awaitReady(String model, String version, long deadline) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    poll(model, version, deadline, result);
    return result;
  }

  private void poll(String model, String version, long deadline, CompletableFuture<Void> result) {
    RoutingTable table = directory.current();
    if (!table.ready(model, version).isEmpty()) {
      result.complete(null);
      return;
    }
    List<ReplicaInfo> replicas = table.replicas(model, version);
    if (!replicas.isEmpty() && replicas.stream().allMatch(r -> r.state() == ReplicaState.FAILED)) {
      String reason =
          replicas.stream()
              .map(ReplicaInfo::reason)
              .filter(r -> r != null)
              .findFirst()
              .orElse("no reason given");
      result.completeExceptionally(
          ApiException.badRequest(
              "failed to load '" + model + "' version '" + version + "': " + reason));
      return;
    }
    if (System.nanoTime() >= deadline) {
      result.completeExceptionally(
          ApiException.unavailable(
              "load of model '"
                  + model
                  + "' timed out: version '"
                  + version
                  + "' has no Ready replica after "
                  + loadTimeout.toSeconds()
                  + " s (modelfleet.gateway.load-timeout; "
                  + RoutingTable.summary(replicas)
                  + "); it stays deployed and may still become ready"));
      return;
    }
    scheduler.scheduleOnce(pollInterval, () -> poll(model, version, deadline, result), executor);
  }

  private CompletionStage<Void> retireOthers(String model, String version, Caller caller) {
    return registry
        .existing(model)
        .thenCompose(
            view -> {
              List<String> others = new ArrayList<>();
              for (String v : view.deployments().keySet()) {
                if (!v.equals(version)) {
                  others.add(v);
                }
              }
              CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
              for (String v : others) {
                chain =
                    chain.thenCompose(
                        x ->
                            registry
                                .undeploy(
                                    model,
                                    v,
                                    caller.meta(
                                        "superseded by version '"
                                            + version
                                            + "' (Triton repository load)"))
                                .thenApply(after -> (Void) null));
              }
              return chain;
            });
  }
}
