package io.modelfleet.node.replica;

import ai.onnxruntime.OrtException;
import io.modelfleet.node.device.Device;
import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.node.ort.ValidationRun;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaId;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a replica's session off the actor, on the ORT executor: fetches and verifies the artifact,
 * opens it on the device, and warms it up. The deployment's own {@code model_warmup} samples were
 * declared valid by the operator, so their failure fails the load; without them the replica warms
 * up on synthetic zeros, whose failure says nothing about the model and is only logged. Then the
 * version's validation samples run (they warm up a session that has no {@code model_warmup} instead
 * of the zeros); a sample that fails or gives other outputs fails the load with the sample, the
 * output, the element and both values, so the replica never becomes READY.
 */
final class SessionOpener {

  /**
   * Runs on the ORT executor, where the actor's own logger must not be used; named for the actor,
   * so its lines keep the category operators filter replica logs by.
   */
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaEntity.class);

  private SessionOpener() {}

  static CompletableFuture<ModelSession> open(
      ReplicaContext rc,
      String entityId,
      ReplicaId id,
      VersionInfo version,
      Device device,
      DeploymentSpec deployment) {
    return CompletableFuture.supplyAsync(
        () -> {
          ModelSession s;
          try {
            s =
                ModelSession.open(
                    rc.env(),
                    rc.artifact(version.digest()),
                    device,
                    rc.ort(),
                    deployment.session(),
                    deployment.replicas());
          } catch (OrtException e) {
            throw new IllegalStateException(
                "ONNX Runtime cannot open the model: " + e.getMessage(), e);
          }
          try {
            // The version's validation samples below warm up a session without model_warmup.
            if (deployment.warmup().isEmpty() && version.validation().isEmpty()) {
              String problem = s.warmUpSynthetic(id.model(), id.version());
              if (problem != null) {
                LOG.warn(
                    "Replica {}: the warm-up with synthetic inputs of model '{}' version '{}' failed and is ignored"
                        + " (a deployment's own model_warmup samples would be checked): {}",
                    entityId,
                    id.model(),
                    id.version(),
                    problem);
              }
            } else {
              s.warmUp(deployment.warmup(), id.model(), id.version());
            }
            String mismatch =
                ValidationRun.check(s, version.validation(), id.model(), id.version());
            if (mismatch != null) {
              throw new ValidationFailure(mismatch);
            }
            return s;
          } catch (RuntimeException e) {
            s.close();
            throw e;
          }
        },
        rc.ortExecutor());
  }
}
