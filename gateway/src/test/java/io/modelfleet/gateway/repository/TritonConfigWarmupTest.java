package io.modelfleet.gateway.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.WarmupSample;
import org.junit.jupiter.api.Test;

/**
 * A repository load's parameters.config carries model_warmup like a deployment body, with the same
 * bounds.
 */
class TritonConfigWarmupTest {

  private static final DeploymentLimits LIMITS =
      new DeploymentLimits(4, 16, 4, 1000, 100, 1, 4, 4, 4096, 256);

  @Test
  void samplesFollowTheConfigsMaxBatchSize() {
    TritonConfig c =
        TritonConfig.parse(
            "{\"max_batch_size\":8,\"instance_group\":[{\"count\":2,\"kind\":\"KIND_CPU\"}],"
                + "\"model_warmup\":[{\"name\":\"w\",\"batch_size\":8,\"inputs\":{\"x\":{\"data_type\":\"TYPE_INT64\",\"dims\":[3],"
                + "\"zero_data\":true}}}]}",
            LIMITS);
    assertEquals(2, c.replicas());
    assertEquals(DeviceKind.CPU, c.device());
    assertArrayEquals(new long[] {8, 3}, c.warmup().get(0).inputs().get(0).shape());
    TritonConfig plain =
        TritonConfig.parse(
            "{\"model_warmup\":[{\"name\":\"w\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\","
                + "\"dims\":[3],\"random_data\":true}}}]}",
            LIMITS);
    assertEquals(new TritonConfig(1, DeviceKind.AUTO, plain.warmup()), plain);
    assertEquals(WarmupSample.Fill.RANDOM, plain.warmup().get(0).inputs().get(0).fill());
    assertArrayEquals(new long[] {3}, plain.warmup().get(0).inputs().get(0).shape());
  }

  @Test
  void boundsApplyToTheConfigToo() {
    assertEquals(
        "'config model_warmup' has 2 samples; at most 1 are allowed (modelfleet.limits.deployment.max-warmup-samples)",
        reject("{\"model_warmup\":[{\"name\":\"a\"},{\"name\":\"b\"}]}"));
    assertEquals(
        "'max_batch_size' must be an integer from 0 to 16, got 17",
        reject("{\"max_batch_size\":17}"));
    assertEquals(
        "config instance_group has 65 groups; at most 64 instances are allowed",
        reject("{\"instance_group\":[" + "{},".repeat(64) + "{}]}"));
    assertEquals(
        "config instance_group[0] 'gpus' lists 65 GPUs; at most 64 instances are allowed",
        reject("{\"instance_group\":[{\"gpus\":[" + "0,".repeat(64) + "0]}]}"));
  }

  private static String reject(String config) {
    ApiException e = assertThrows(ApiException.class, () -> TritonConfig.parse(config, LIMITS));
    assertEquals(400, e.status());
    return e.getMessage();
  }
}
