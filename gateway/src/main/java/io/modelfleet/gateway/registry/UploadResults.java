package io.modelfleet.gateway.registry;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.protocol.service.UploadOutcome;

/**
 * What an upload outcome means to a client. Shared by the management upload (a raw ONNX body) and
 * the Triton repository load (base64 files), so both answer the same statuses.
 */
public final class UploadResults {

  private UploadResults() {}

  /** The stored outcome, or an {@link ApiException} with the status the failure means. */
  public static UploadOutcome.Stored requireStored(UploadOutcome outcome) {
    if (outcome instanceof UploadOutcome.Stored s) {
      return s;
    }
    if (outcome instanceof UploadOutcome.Conflict c) {
      throw ApiException.conflict(c.error());
    }
    if (outcome instanceof UploadOutcome.TooLarge t) {
      throw new ApiException(413, t.error());
    }
    if (outcome instanceof UploadOutcome.Invalid i) {
      throw ApiException.badRequest(i.error());
    }
    throw new IllegalStateException("unexpected upload outcome " + outcome);
  }
}
