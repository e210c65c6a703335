package io.modelfleet.gateway.grpc;

import io.modelfleet.gateway.grpc.proto.DataType;
import io.modelfleet.gateway.grpc.proto.ModelConfig;
import io.modelfleet.gateway.grpc.proto.ModelDynamicBatching;
import io.modelfleet.gateway.grpc.proto.ModelInput;
import io.modelfleet.gateway.grpc.proto.ModelInstanceGroup;
import io.modelfleet.gateway.grpc.proto.ModelOutput;
import io.modelfleet.gateway.grpc.proto.ModelQueuePolicy;
import io.modelfleet.gateway.grpc.proto.ModelResponseCache;
import io.modelfleet.gateway.grpc.proto.ModelVersionPolicy;
import io.modelfleet.gateway.oip.ConfigJson;
import io.modelfleet.gateway.oip.MetadataJson;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.TensorSpec;

/**
 * Triton's {@code ModelConfig} message of a version: the same derivation as the HTTP {@link
 * ConfigJson} (max_batch_size, dims without the batch dimension when batching, dynamic_batching,
 * one instance group, version policy latest 1), in protobuf.
 */
public final class GrpcConfig {

  private GrpcConfig() {}

  public static ModelConfig of(String model, VersionInfo version, DeploymentSpec deployment) {
    BatchingSpec batching = ConfigJson.batching(deployment);
    int maxBatch = ConfigJson.maxBatchSize(deployment);
    boolean batched = maxBatch > 0;
    ModelConfig.Builder b =
        ModelConfig.newBuilder()
            .setName(model)
            .setPlatform(MetadataJson.PLATFORM)
            .setBackend("onnxruntime")
            .setVersionPolicy(
                ModelVersionPolicy.newBuilder()
                    .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(1)))
            .setMaxBatchSize(maxBatch);
    for (TensorSpec t : version.inputs()) {
      b.addInput(
          ModelInput.newBuilder()
              .setName(t.name())
              .setDataType(DataType.valueOf(ConfigJson.tritonType(t.datatype())))
              .addAllDims(ConfigJson.dims(t.shape(), batched)));
    }
    for (TensorSpec t : version.outputs()) {
      b.addOutput(
          ModelOutput.newBuilder()
              .setName(t.name())
              .setDataType(DataType.valueOf(ConfigJson.tritonType(t.datatype())))
              .addAllDims(ConfigJson.dims(t.shape(), batched)));
    }
    if (batching.dynamic()) {
      b.setDynamicBatching(
          ModelDynamicBatching.newBuilder()
              .addAllPreferredBatchSize(batching.preferredBatchSizes())
              .setMaxQueueDelayMicroseconds(batching.maxQueueDelayMicros())
              .setDefaultQueuePolicy(
                  ModelQueuePolicy.newBuilder().setMaxQueueSize(batching.maxQueueSize())));
    }
    b.addInstanceGroup(
        ModelInstanceGroup.newBuilder()
            .setName(model)
            .setKind(
                ModelInstanceGroup.Kind.valueOf(
                    ConfigJson.kind(deployment == null ? DeviceKind.AUTO : deployment.device())))
            .setCount(deployment == null ? 0 : deployment.replicas()));
    b.setResponseCache(
        ModelResponseCache.newBuilder()
            .setEnable(deployment != null && deployment.responseCache().enable()));
    return b.build();
  }
}
