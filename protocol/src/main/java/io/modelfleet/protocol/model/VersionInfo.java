package io.modelfleet.protocol.model;

import io.modelfleet.protocol.tensor.TensorSpec;
import java.time.Instant;
import java.util.List;

/**
 * One registered version of a model: the content address of its artifact and the signature read
 * from the ONNX file at upload time.
 */
public record VersionInfo(
    String version,
    String digest,
    long size,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Instant registeredAt,
    String principal) {}
