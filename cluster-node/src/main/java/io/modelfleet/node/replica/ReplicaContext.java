package io.modelfleet.node.replica;

import ai.onnxruntime.OrtEnvironment;
import io.modelfleet.node.cache.ResponseCache;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.node.ort.ModelInspector;
import io.modelfleet.node.ort.OrtSettings;
import io.modelfleet.persistence.artifact.ArtifactCorruptException;
import io.modelfleet.persistence.artifact.ArtifactStore;
import io.modelfleet.persistence.artifact.DatabaseArtifacts;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * What every replica entity on a node shares: the local artifact store and the cluster-wide one
 * ({@code shared}, null when the local store is the only one), the devices, ORT and its executors,
 * and the node's response cache (used by the deployments that opt in).
 */
public record ReplicaContext(
    ArtifactStore store,
    DatabaseArtifacts shared,
    DeviceInventory devices,
    OrtEnvironment env,
    OrtSettings ort,
    ReplicaSettings settings,
    Executor ortExecutor,
    String nodeAddress,
    ResponseCache responseCache) {

  public ReplicaContext {
    responseCache = responseCache == null ? ResponseCache.OFF : responseCache;
  }

  /** Without a response cache. */
  public ReplicaContext(
      ArtifactStore store,
      DatabaseArtifacts shared,
      DeviceInventory devices,
      OrtEnvironment env,
      OrtSettings ort,
      ReplicaSettings settings,
      Executor ortExecutor,
      String nodeAddress) {
    this(store, shared, devices, env, ort, settings, ortExecutor, nodeAddress, ResponseCache.OFF);
  }

  /**
   * The verified local file of an artifact, fetched from the shared store first when this node has
   * never seen it, and fetched again over a local copy that no longer verifies. Refuses a model
   * with external data (registered before uploads checked for it): ORT would read other files of
   * the store on its behalf. Blocking: call it on the ORT executor.
   */
  public Path artifact(String digest) {
    if (shared != null && !store.contains(digest)) {
      shared.fetchInto(digest, store);
    }
    Path file;
    try {
      file = store.verified(digest);
    } catch (ArtifactCorruptException e) {
      if (shared == null) {
        throw e;
      }
      shared.repairInto(digest, store);
      file = store.verified(digest);
    }
    ModelInspector.refuseExternalData(file);
    return file;
  }
}
