package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.io.IOException;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Triton's model configuration extension ({@code GET /v2/models/{m}[/versions/{v}]/config}): the
 * model's configuration in Triton's JSON form, derived from the ONNX file's signature and the
 * version's deployment, as {@code perf_analyzer} and {@code tritonclient.get_model_config} read it
 * before anything else.
 *
 * <ul>
 *   <li>{@code max_batch_size} is the deployment's (0 without batching); when it is above 0 the
 *       first dimension is the batch dimension, and {@code dims} leave it out, as Triton's do.
 *   <li>{@code dynamic_batching} appears when the deployment batches dynamically, with its
 *       preferred sizes, queue delay and queue size.
 *   <li>{@code instance_group} is one group of the deployment's replicas, of kind {@code KIND_GPU},
 *       {@code KIND_CPU} or {@code KIND_AUTO} (placement chooses); count 0 when the version is not
 *       deployed.
 *   <li>{@code response_cache} says whether the deployment answers repeats from the node's response
 *       cache ({@code enable: false} when the version is not deployed), as Triton shows it.
 *   <li>{@code version_policy} is Triton's default, {@code latest: 1}: a request without a version
 *       reaches the highest version with a Ready replica.
 * </ul>
 */
public final class ConfigJson {
  private ConfigJson() {}

  public static HttpResponse of(String model, VersionInfo version, DeploymentSpec deployment) {
    return Json.ok(g -> write(model, version, deployment, g));
  }

  static void write(String model, VersionInfo version, DeploymentSpec deployment, JsonGenerator g)
      throws IOException {
    BatchingSpec batching = batching(deployment);
    int maxBatch = maxBatchSize(deployment);
    g.writeStartObject();
    g.writeStringField("name", model);
    g.writeStringField("platform", MetadataJson.PLATFORM);
    g.writeStringField("backend", "onnxruntime");
    g.writeObjectFieldStart("version_policy");
    g.writeObjectFieldStart("latest");
    g.writeNumberField("num_versions", 1);
    g.writeEndObject();
    g.writeEndObject();
    g.writeNumberField("max_batch_size", maxBatch);
    g.writeFieldName("input");
    tensors(version.inputs(), maxBatch > 0, g);
    g.writeFieldName("output");
    tensors(version.outputs(), maxBatch > 0, g);
    if (batching.dynamic()) {
      g.writeObjectFieldStart("dynamic_batching");
      g.writeArrayFieldStart("preferred_batch_size");
      for (int size : batching.preferredBatchSizes()) {
        g.writeNumber(size);
      }
      g.writeEndArray();
      g.writeNumberField("max_queue_delay_microseconds", batching.maxQueueDelayMicros());
      g.writeObjectFieldStart("default_queue_policy");
      g.writeNumberField("max_queue_size", batching.maxQueueSize());
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeArrayFieldStart("instance_group");
    g.writeStartObject();
    g.writeStringField("name", model);
    g.writeStringField("kind", kind(deployment == null ? DeviceKind.AUTO : deployment.device()));
    g.writeNumberField("count", deployment == null ? 0 : deployment.replicas());
    g.writeEndObject();
    g.writeEndArray();
    g.writeObjectFieldStart("response_cache");
    g.writeBooleanField("enable", deployment != null && deployment.responseCache().enable());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void tensors(List<TensorSpec> specs, boolean batched, JsonGenerator g)
      throws IOException {
    g.writeStartArray();
    for (TensorSpec t : specs) {
      g.writeStartObject();
      g.writeStringField("name", t.name());
      g.writeStringField("data_type", tritonType(t.datatype()));
      g.writeArrayFieldStart("dims");
      for (long d : dims(t.shape(), batched)) {
        g.writeNumber(d);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** The deployment's batching; none when the version is not deployed. */
  public static BatchingSpec batching(DeploymentSpec deployment) {
    return deployment == null ? BatchingSpec.NONE : deployment.batching();
  }

  /** The configuration's max_batch_size: the deployment's, 0 without batching. */
  public static int maxBatchSize(DeploymentSpec deployment) {
    return Math.max(0, batching(deployment).maxBatchSize());
  }

  /** A tensor's dims in the configuration: without the batch dimension when batching. */
  public static List<Long> dims(List<Long> shape, boolean batched) {
    return batched && !shape.isEmpty() ? shape.subList(1, shape.size()) : shape;
  }

  /** Triton's name of a datatype in a model configuration ({@code TYPE_FP32}, BYTES is STRING). */
  public static String tritonType(DataType type) {
    return type == DataType.BYTES ? "TYPE_STRING" : "TYPE_" + type.name();
  }

  /** Triton's instance group kind of a deployment's device. */
  public static String kind(DeviceKind device) {
    return switch (device) {
      case GPU -> "KIND_GPU";
      case CPU -> "KIND_CPU";
      case AUTO -> "KIND_AUTO";
    };
  }
}
