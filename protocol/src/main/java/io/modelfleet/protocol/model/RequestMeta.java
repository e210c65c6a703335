package io.modelfleet.protocol.model;

/**
 * Who asked for a change, for which tenant, and under which request id. Every registry command
 * carries it so that the journal, which is the audit trail, can say who changed what; a model
 * belongs to the tenant of the request that registered its first version.
 *
 * @param tenant the caller's tenant; null for the node's own changes and for records written before
 *     tenants existed, which count as {@link #DEFAULT_TENANT}
 */
public record RequestMeta(String principal, String requestId, String reason, String tenant) {

  public static final String ANONYMOUS = "anonymous";

  /** The tenant of everything that names none: anonymous callers, the node, older records. */
  public static final String DEFAULT_TENANT = "default";

  public RequestMeta(String principal, String requestId, String reason) {
    this(principal, requestId, reason, null);
  }

  /** The tenant, with {@link #DEFAULT_TENANT} for none. */
  public String tenantOrDefault() {
    return tenant == null ? DEFAULT_TENANT : tenant;
  }

  public static RequestMeta system(String reason) {
    return new RequestMeta("system", null, reason);
  }

  public RequestMeta withReason(String newReason) {
    return new RequestMeta(principal, requestId, newReason, tenant);
  }
}
