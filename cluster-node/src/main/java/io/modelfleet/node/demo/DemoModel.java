package io.modelfleet.node.demo;

/**
 * The model a node registers on first start, so a fresh cluster answers an inference request
 * without anyone uploading a file: a 4-in, 2-out linear layer, {@code y = x·W + B}, as one Gemm.
 *
 * <p>The weights are fixed and public so tests and docs can state the exact expected output.
 */
public final class DemoModel {

  /** Name under which the node registers the model. */
  public static final String NAME = "demo";

  /** 4x2 weights; row i multiplies input feature i. */
  public static final float[][] W = {
    {1.0f, 0.5f},
    {-1.0f, 0.25f},
    {0.5f, -0.5f},
    {0.25f, 1.0f},
  };

  /** Bias added to both outputs. */
  public static final float[] B = {0.1f, -0.2f};

  private static final long IR_VERSION = 8;
  private static final long OPSET = 17;

  private DemoModel() {}

  /** The ONNX file: input "x" FP32 [batch, 4], output "y" FP32 [batch, 2]. */
  public static byte[] bytes() {
    float[] w = new float[W.length * W[0].length];
    for (int i = 0; i < W.length; i++) {
      System.arraycopy(W[i], 0, w, i * W[0].length, W[0].length);
    }
    OnnxWriter gemm =
        OnnxWriter.node("Gemm", "linear", new String[] {"x", "W", "B"}, new String[] {"y"});
    OnnxWriter graph =
        OnnxWriter.graph(
            "demo",
            new OnnxWriter[] {gemm},
            new OnnxWriter[] {
              OnnxWriter.floatTensor("W", new long[] {W.length, W[0].length}, w),
              OnnxWriter.floatTensor("B", new long[] {B.length}, B),
            },
            new OnnxWriter[] {OnnxWriter.tensorValue("x", OnnxWriter.FLOAT, "batch", W.length)},
            new OnnxWriter[] {OnnxWriter.tensorValue("y", OnnxWriter.FLOAT, "batch", B.length)});
    return OnnxWriter.model(IR_VERSION, OPSET, "modelfleet", graph).toByteArray();
  }

  /** What the model returns for one input row of 4 values. */
  public static float[] expected(float[] row4) {
    if (row4.length != W.length) {
      throw new IllegalArgumentException(
          "the demo model takes rows of " + W.length + " values, got " + row4.length);
    }
    float[] y = new float[B.length];
    for (int j = 0; j < y.length; j++) {
      double acc = B[j];
      for (int i = 0; i < row4.length; i++) {
        acc += (double) row4[i] * W[i][j];
      }
      y[j] = (float) acc;
    }
    return y;
  }

  /** A curl command, ready to paste, that runs the demo model on [1,2,3,4] through the gateway. */
  public static String exampleCurl(String baseUrl) {
    return exampleCurl(baseUrl, null);
  }

  /**
   * The same, sending {@code bearer} (a shell word that yields the key, such as {@code $(cat
   * data/admin.key)}; never the key itself, which must not be printed) as the API key.
   */
  public static String exampleCurl(String baseUrl, String bearer) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return "curl -s -X POST "
        + base
        + "/v2/models/"
        + NAME
        + "/infer"
        + (bearer == null ? "" : " -H \"Authorization: Bearer " + bearer + "\"")
        + " -H 'Content-Type: application/json'"
        + " -d '{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],"
        + "\"data\":[1,2,3,4]}]}'";
  }
}
