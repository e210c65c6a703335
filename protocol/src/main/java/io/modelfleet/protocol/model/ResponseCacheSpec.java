package io.modelfleet.protocol.model;

/**
 * Whether a deployment's replicas answer a request they have answered before from the node's
 * response cache (Triton's per-model {@code response_cache { enable: true }}) instead of running
 * the model again. Off unless asked for: only a deterministic model may be cached, and only its
 * owner knows whether it is one.
 */
public record ResponseCacheSpec(boolean enable) {

  public static final ResponseCacheSpec OFF = new ResponseCacheSpec(false);
  public static final ResponseCacheSpec ON = new ResponseCacheSpec(true);

  public static ResponseCacheSpec of(boolean enable) {
    return enable ? ON : OFF;
  }
}
