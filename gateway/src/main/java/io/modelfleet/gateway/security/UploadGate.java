package io.modelfleet.gateway.security;

import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.limits.Limiter;
import io.modelfleet.gateway.limits.UploadAdmission;
import io.modelfleet.gateway.limits.UploadAdmitted;
import java.util.function.LongSupplier;

/**
 * The daily upload quotas, as the upload routes see them: admits an upload of a number of bytes by
 * a caller, or refuses it naming the quota. A caller without a key (security off) is never counted.
 * The admitted upload is settled with the bytes the gateway actually passed to the store.
 */
@FunctionalInterface
public interface UploadGate {

  /** Counts nothing and refuses nothing (security off, tests). */
  UploadGate OPEN = (caller, bytes) -> UploadAdmitted.FREE;

  /**
   * @param bytes the upload's size when known (Content-Length, or the files of a repository load);
   *     negative when the body is chunked
   */
  UploadAdmission admit(Caller caller, long bytes);

  /**
   * The gate over {@code limiter}'s per-key and per-tenant quotas, by the UTC day of {@code now}.
   */
  static UploadGate of(Limiter limiter, LongSupplier nowMillis) {
    return (caller, bytes) ->
        caller
            .identity()
            .key()
            .<UploadAdmission>map(k -> limiter.admitUpload(k, bytes, nowMillis.getAsLong()))
            .orElse(UploadAdmitted.FREE);
  }
}
