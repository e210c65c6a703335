package io.modelfleet.node.device;

/**
 * One device a replica can run on. {@code id} is what users see ("cpu", "gpu:0", "sim-gpu:1"). A
 * simulated GPU is labelled as such and executes on the CPU.
 */
public record Device(
    String id,
    Kind kind,
    int index,
    String name,
    String uuid,
    long memoryBytes,
    boolean simulated) {

  public enum Kind {
    CPU,
    GPU
  }

  public static final Device CPU = new Device("cpu", Kind.CPU, -1, "cpu", null, 0, false);

  /** True when ONNX Runtime should open the session with the CUDA execution provider. */
  public boolean usesCuda() {
    return kind == Kind.GPU && !simulated;
  }
}
