package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationSignatureTest {
  private static final VersionInfo V =
      new VersionInfo(
          "1",
          "sha256:x",
          1,
          List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 3L))),
          List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
          null,
          "alice");

  private static ValidationSample sample(Tensor in, Tensor out) {
    return new ValidationSample("s", List.of(in), List.of(out), 0, 0);
  }

  private static Tensor t(String name, DataType type, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    return new Tensor(name, type, shape, new byte[n * type.byteSize()]);
  }

  private static String reject(ValidationSample s) {
    ApiException e =
        assertThrows(ApiException.class, () -> ValidationSignature.check(List.of(s), V));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void fittingSamplesPassAndOthersAreRefusedNamingTheTensor() {
    ValidationSignature.check(
        List.of(sample(t("x", DataType.FP32, 2, 3), t("y", DataType.FP32, 2, 2))), V);
    assertEquals(
        "'samples[0].inputs[0]': version '1' has no input 'q'; its inputs: [x]",
        reject(sample(t("q", DataType.FP32, 1, 3), t("y", DataType.FP32, 1, 2))));
    assertEquals(
        "'samples[0].outputs[0]': output 'y' is FP32, not INT64",
        reject(sample(t("x", DataType.FP32, 1, 3), t("y", DataType.INT64, 1, 2))));
    assertEquals(
        "'samples[0].inputs[0]': input 'x' has shape [-1, 3] (-1 is any size); [1,4] does not fit",
        reject(sample(t("x", DataType.FP32, 1, 4), t("y", DataType.FP32, 1, 2))));
  }
}
