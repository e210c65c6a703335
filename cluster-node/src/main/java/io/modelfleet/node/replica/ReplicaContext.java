package io.modelfleet.node.replica;

import ai.onnxruntime.OrtEnvironment;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.node.ort.OrtSettings;
import io.modelfleet.persistence.artifact.ArtifactStore;
import java.util.concurrent.Executor;

/** What every replica entity on a node shares: the store, the devices, ORT and its executors. */
public record ReplicaContext(
    ArtifactStore store,
    DeviceInventory devices,
    OrtEnvironment env,
    OrtSettings ort,
    ReplicaSettings settings,
    Executor ortExecutor,
    String nodeAddress) {}
