package io.modelfleet.gateway.security;

import io.modelfleet.gateway.limits.Admitted;

/**
 * A request let through by {@link GatewaySecurity#identify}: who sent it and the in-flight places
 * it holds, to be released once its answer exists.
 */
public record Passage(Identity identity, Admitted admitted) {

  /** Gives the request's in-flight places back (once; nothing when it holds none). */
  public void release() {
    admitted.release();
  }
}
