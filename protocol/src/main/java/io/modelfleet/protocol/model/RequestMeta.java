package io.modelfleet.protocol.model;

/**
 * Who asked for a change and under which request id. Every registry command carries it so that the
 * journal, which is the audit trail, can say who changed what. The principal is "anonymous" until
 * authentication exists.
 */
public record RequestMeta(String principal, String requestId, String reason) {

  public static final String ANONYMOUS = "anonymous";

  public static RequestMeta system(String reason) {
    return new RequestMeta("system", null, reason);
  }

  public RequestMeta withReason(String newReason) {
    return new RequestMeta(principal, requestId, newReason);
  }
}
