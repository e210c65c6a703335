package io.modelfleet.bench;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A model under test: its key (tiny, minilm, mlp), what it is in words, the ONNX file, and how to
 * make the inputs of one request of {@code batch} rows. Inputs are deterministic, so every path
 * (raw, JSON, binary) computes on the same numbers.
 */
public record BenchModel(
    String key, String description, byte[] onnx, IntFunction<List<InputTensor>> inputs) {

  public List<InputTensor> inputs(int batch) {
    return inputs.apply(batch);
  }
}
