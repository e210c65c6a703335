package io.modelfleet.gateway.repository;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.registry.UploadResults;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import io.modelfleet.protocol.service.ModelUploads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * choose    highest uploaded version, else latest        404 when the model has no version
 * deploy    Deploy(spec) in the registry                 the registry's 404 / 400 / 409
 * wait      poll the routing table every 75 ms           400 if every replica FAILED, 503 on timeout
 * retire    Undeploy every other deployed version        (registry errors)
 * </pre>
 *
 * Older versions are retired only after the new one is READY, as Triton's default version policy
 * ends up serving only the latest: requests never find no version at all, and a load that fails
 * leaves the previous version serving.
 */
public final class ModelLoader {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(75);

  private final ModelUploads uploads;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final Duration loadTimeout;
  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;

  public ModelLoader(ActorSystem<?> system, ModelUploads uploads, RegistryClient registry,
      ReplicaDirectory directory, Duration loadTimeout) {
    this.uploads = uploads;
    this.registry = registry;
    this.directory = directory;
    this.loadTimeout = loadTimeout;
    this.scheduler = system.scheduler();
    this.executor = system.executionContext();
  }

  public CompletionStage<HttpResponse> load(String model, LoadRequest request, Caller caller) {
    String problem = Names.problem("model", model);
    if (problem != null) {
      return CompletableFuture.failedFuture(ApiException.badRequest(problem));
    }
    CompletionStage<Void> uploaded = CompletableFuture.completedFuture(null);
    for (Map.Entry<String, byte[]> file : request.files().entrySet()) {
      uploaded = uploaded.thenCompose(x -> uploads
          .upload(model, file.getKey(), Source.single(ByteString.fromArray(file.getValue())),
              caller.meta("Triton repository load"))
          .thenAccept(UploadResults::requireStored));
    }
    return uploaded
        .thenCompose(x -> registry.existing(model))
        .thenCompose(view -> {
          String version = request.highestUploadedVersion() != null
              ? request.highestUploadedVersion()
              : view.latestVersion().map(VersionInfo::version).orElseThrow();
          DeploymentSpec spec = spec(view, version, request.config());
          return registry.deploy(model, spec, caller.meta("Triton repository load"))
              .thenCompose(deployed -> awaitReady(model, version))
              .thenCompose(ready -> retireOthers(model, version, caller))
              .thenApply(x -> Json.emptyObject());
        });
  }

  /**
   * With a config, its instance groups decide. Without one, a load keeps the scale the model
   * already has (that version's deployment, else the highest deployed one), as a Triton reload
   * keeps the model's existing configuration; a first load runs one replica on any device.
   */
  static DeploymentSpec spec(ModelView view, String version, TritonConfig config) {
    if (config != null) {
      return new DeploymentSpec(version, config.replicas(), config.device(), BatchingSpec.NONE, SessionSpec.DEFAULTS,
          config.warmup());
    }
    DeploymentSpec current = view.deployments().get(version);
    if (current == null) {
      current = view.deployments().keySet().stream()
          .max(ModelView.VersionOrder.INSTANCE)
          .map(view.deployments()::get)
          .orElse(null);
    }
    if (current == null) {
      return new DeploymentSpec(version, 1, DeviceKind.AUTO);
    }
    return new DeploymentSpec(version, current.replicas(), current.device());
  }

  private CompletionStage<Void> awaitReady(String model, String version) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    poll(model, version, System.nanoTime() + loadTimeout.toNanos(), result);
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
      String reason = replicas.stream().map(ReplicaInfo::reason).filter(r -> r != null).findFirst()
          .orElse("no reason given");
      result.completeExceptionally(ApiException.badRequest(
          "failed to load '" + model + "' version '" + version + "': " + reason));
      return;
    }
    if (System.nanoTime() >= deadline) {
      result.completeExceptionally(ApiException.unavailable("model '" + model + "' version '" + version
          + "' has no Ready replica after " + loadTimeout.toSeconds() + " s ("
          + RoutingTable.summary(replicas) + "); it stays deployed and may still become ready"));
      return;
    }
    scheduler.scheduleOnce(POLL_INTERVAL, () -> poll(model, version, deadline, result), executor);
  }

  private CompletionStage<Void> retireOthers(String model, String version, Caller caller) {
    return registry.existing(model).thenCompose(view -> {
      List<String> others = new ArrayList<>();
      for (String v : view.deployments().keySet()) {
        if (!v.equals(version)) {
          others.add(v);
        }
      }
      CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
      for (String v : others) {
        chain = chain.thenCompose(x -> registry
            .undeploy(model, v, caller.meta("superseded by version '" + version + "' (Triton repository load)"))
            .thenApply(after -> (Void) null));
      }
      return chain;
    });
  }
}
