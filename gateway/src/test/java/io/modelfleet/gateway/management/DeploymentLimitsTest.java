package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.DeploymentSpec;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * Every number and list of a deployment has an upper bound; past it, 400 names the field and the
 * bound.
 */
class DeploymentLimitsTest {

  private static final DeploymentLimits LIMITS =
      new DeploymentLimits(4, 64, 3, 1000, 50, 2, 3, 2, 4096, 256);

  private static DeploymentSpec parse(String body) {
    return DeploymentRequest.parse(Json.parse(ByteString.fromString(body)), LIMITS);
  }

  private static String reject(String fields) {
    ApiException e =
        assertThrows(
            ApiException.class, () -> parse("{\"version\":\"1\",\"replicas\":1," + fields + "}"));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void shippedDefaultsBoundThreadsByTheProcessors() {
    DeploymentLimits d = DeploymentLimits.fromConfig(ConfigFactory.defaultReference());
    assertEquals(Runtime.getRuntime().availableProcessors(), d.maxOrtThreads());
    assertEquals(
        new DeploymentLimits(
            Runtime.getRuntime().availableProcessors(),
            4096,
            16,
            10_000_000,
            65536,
            8,
            16,
            64,
            16L << 20,
            64L << 10),
        d);
    assertEquals(
        12,
        DeploymentLimits.fromConfig(
                ConfigFactory.parseString("modelfleet.limits.max-ort-threads = 12")
                    .withFallback(ConfigFactory.defaultReference()))
            .maxOrtThreads());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DeploymentLimits.fromConfig(
                    ConfigFactory.parseString("modelfleet.limits.deployment.max-warmup-samples = 0")
                        .withFallback(ConfigFactory.defaultReference())));
    assertTrue(
        e.getMessage().contains("modelfleet.limits.deployment.max-warmup-samples"), e.getMessage());
  }

  @Test
  void threadsAtMostTheBound() {
    assertEquals(
        4,
        parse(
                "{\"version\":\"1\",\"replicas\":1,\"ort\":{\"intra_op_threads\":4,\"inter_op_threads\":4}}")
            .session()
            .intraOpThreads());
    assertEquals(
        "'ort.intra_op_threads' must be at most 4 (modelfleet.limits.max-ort-threads, the node's cores by default),"
            + " got 1024",
        reject("\"ort\":{\"intra_op_threads\":1024}"));
    assertEquals(
        "'ort.inter_op_threads' must be at most 4 (modelfleet.limits.max-ort-threads, the node's cores by default),"
            + " got 5",
        reject("\"ort\":{\"inter_op_threads\":5}"));
    assertEquals(
        "'ort.intra_op_threads' must be an integer from 0 to 4, got -1",
        reject("\"ort\":{\"intra_op_threads\":-1}"));
  }

  @Test
  void batchingNumbersAndListsAreBounded() {
    assertEquals(
        "'max_batch_size' must be an integer from 0 to 64, got 65",
        reject("\"max_batch_size\":65"));
    assertEquals(
        "'dynamic_batching.preferred_batch_size' has 4 entries; at most 3 are allowed"
            + " (modelfleet.limits.deployment.max-preferred-batch-sizes)",
        reject("\"max_batch_size\":8,\"dynamic_batching\":{\"preferred_batch_size\":[1,2,4,8]}"));
    assertEquals(
        "'dynamic_batching.preferred_batch_size' must be an integer from 1 to 8, got 9",
        reject("\"max_batch_size\":8,\"dynamic_batching\":{\"preferred_batch_size\":[9]}"));
    assertEquals(
        "'dynamic_batching.max_queue_delay_microseconds' must be an integer from 0 to 1000, got 1001",
        reject(
            "\"max_batch_size\":8,\"dynamic_batching\":{\"max_queue_delay_microseconds\":1001}"));
    assertEquals(
        "'dynamic_batching.max_queue_size' must be an integer from 1 to 50, got 51",
        reject("\"max_batch_size\":8,\"dynamic_batching\":{\"max_queue_size\":51}"));
    // The default queue size never exceeds a configured bound below it.
    assertEquals(
        50,
        parse("{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":8,\"dynamic_batching\":{}}")
            .batching()
            .maxQueueSize());
    ApiException replicas =
        assertThrows(ApiException.class, () -> parse("{\"version\":\"1\",\"replicas\":65}"));
    assertEquals(
        "'replicas' must be an integer from 0 to 64, got the number 65", replicas.getMessage());
  }

  @Test
  void warmupSamplesAreBounded() {
    String sample = "{\"name\":\"s\",\"inputs\":{}}";
    assertEquals(
        "'model_warmup' has 3 samples; at most 2 are allowed (modelfleet.limits.deployment.max-warmup-samples)",
        reject("\"model_warmup\":[" + sample + "," + sample + "," + sample + "]"));
    assertEquals(
        "'model_warmup[0].count' must be an integer from 0 to 3, got 4",
        reject("\"model_warmup\":[{\"name\":\"s\",\"count\":4}]"));
    assertEquals(
        "'model_warmup[0].inputs' has 3 inputs; at most 2 are allowed (modelfleet.limits.deployment.max-warmup-inputs)",
        reject("\"model_warmup\":[{\"name\":\"s\",\"inputs\":{\"a\":{},\"b\":{},\"c\":{}}}]"));
    assertEquals(
        "'model_warmup[0]' needs more than 4096 bytes of tensors (modelfleet.limits.deployment.max-warmup-tensor-bytes)",
        reject(
            "\"model_warmup\":[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[1025],\"zero_data\":true}}}]"));
    assertEquals(
        "'model_warmup[0]' needs more than 4096 bytes of tensors (modelfleet.limits.deployment.max-warmup-tensor-bytes)",
        reject(
            "\"max_batch_size\":64,\"model_warmup\":[{\"name\":\"s\",\"batch_size\":64,"
                + "\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP64\",\"dims\":[9],\"random_data\":true}}}]"));
    assertEquals(
        "'model_warmup[0].batch_size' must be an integer from 1 to 8, got 9",
        reject("\"max_batch_size\":8,\"model_warmup\":[{\"name\":\"s\",\"batch_size\":9}]"));
    assertEquals(
        "'model_warmup[0].batch_size' must be an integer from 1 to 1, got 2",
        reject("\"model_warmup\":[{\"name\":\"s\",\"batch_size\":2}]"));
    String values = "[" + "1,".repeat(39) + "1]";
    assertEquals(
        "'model_warmup[0].inputs.x.input_data' takes 320 bytes for batch_size 2; at most 256 are allowed"
            + " (modelfleet.limits.deployment.max-warmup-data-bytes)",
        reject(
            "\"max_batch_size\":8,\"model_warmup\":[{\"name\":\"s\",\"batch_size\":2,"
                + "\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[40],\"input_data\":"
                + values
                + "}}}]"));
    String half =
        "{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[40],\"input_data\":"
            + values
            + "}}}";
    assertEquals(
        "'model_warmup' carries more than 256 bytes of input_data in all"
            + " (modelfleet.limits.deployment.max-warmup-data-bytes); use zero_data or random_data for large inputs",
        reject("\"model_warmup\":[" + half + "," + half + "]"));
    assertTrue(
        reject(
                "\"model_warmup\":[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\","
                    + "\"dims\":[4294967296,4294967296,4294967296],\"zero_data\":true}}}]")
            .contains("more elements than a tensor can hold"));
  }
}
