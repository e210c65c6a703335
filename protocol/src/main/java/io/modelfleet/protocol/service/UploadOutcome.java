package io.modelfleet.protocol.service;

import io.modelfleet.protocol.model.VersionInfo;

/** What became of an upload of a model version. */
public sealed interface UploadOutcome {

  /**
   * Stored and registered; {@code created} is false when the same bytes were already that version.
   */
  record Stored(boolean created, String model, VersionInfo version) implements UploadOutcome {}

  /** Other bytes are already registered under this version. */
  record Conflict(String error) implements UploadOutcome {}

  /** The body was larger than the configured limit. */
  record TooLarge(String error) implements UploadOutcome {}

  /** The bytes are not a model ONNX Runtime can load; {@code error} carries the loader's reason. */
  record Invalid(String error) implements UploadOutcome {}
}
