package io.modelfleet.protocol.model;

/**
 * The device memory a replica is expected to take, which placement reserves on its GPU and the API
 * shows next to each version and replica. It is an estimate from the artifact's size:
 *
 * <ul>
 *   <li>weights (1×): the initializers are nearly all of an ONNX file, and the session keeps one
 *       copy of them on the device;
 *   <li>ORT arena and activations (0.5×): the BFC arena rounds allocations up and grows by chunks,
 *       and the intermediate tensors of a batch in flight live in it as well. For the CNNs and
 *       transformers served at modest batch sizes this stays well under the weights;
 *   <li>at least {@link #MIN_BYTES}: ONNX Runtime's arena grows in chunks and cuDNN/cuBLAS take
 *       workspace per session, so even a model of a few kilobytes holds tens of MiB.
 * </ul>
 *
 * A large batch of a model with big activations can exceed it, which is why placement also watches
 * the free memory that nodes report.
 */
public final class Footprint {
  public static final long MIN_BYTES = 64L << 20;

  /** How the number is arrived at, as the API shows it. */
  public static final String BASIS = "estimated: 1.5 x the artifact, at least 64 MiB";

  private Footprint() {}

  public static long estimate(long artifactBytes) {
    if (artifactBytes < 0) {
      throw new IllegalArgumentException("artifactBytes must be >= 0, got " + artifactBytes);
    }
    long scaled =
        artifactBytes > Long.MAX_VALUE / 3 * 2 ? Long.MAX_VALUE : artifactBytes + artifactBytes / 2;
    return Math.max(MIN_BYTES, scaled);
  }
}
