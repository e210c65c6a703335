package io.modelfleet.protocol.model;

import io.modelfleet.protocol.tensor.TensorSpec;
import java.time.Instant;
import java.util.List;

/**
 * One registered version of a model: the content address of its artifact and the signature read
 * from the ONNX file at upload time, and the stability checks ({@link ValidationSample}) its
 * replicas run before they take traffic (none until set; journals and snapshots written before they
 * existed read back with none).
 */
public record VersionInfo(
    String version,
    String digest,
    long size,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Instant registeredAt,
    String principal,
    List<ValidationSample> validation) {

  public VersionInfo {
    validation = validation == null ? List.of() : List.copyOf(validation);
  }

  /** A version without validation samples. */
  public VersionInfo(
      String version,
      String digest,
      long size,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      Instant registeredAt,
      String principal) {
    this(version, digest, size, inputs, outputs, registeredAt, principal, List.of());
  }

  /** This version with {@code samples} as its stability checks (empty: none). */
  public VersionInfo withValidation(List<ValidationSample> samples) {
    return new VersionInfo(
        version, digest, size, inputs, outputs, registeredAt, principal, samples);
  }
}
