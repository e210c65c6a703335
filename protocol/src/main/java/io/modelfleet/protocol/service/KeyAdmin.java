package io.modelfleet.protocol.service;

import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Managing API keys, as the gateway's {@code /v1/keys} routes need it; the node implements it over
 * the key registry. Failures the client caused complete exceptionally with {@link
 * KeyAdminException} carrying the HTTP status.
 */
public interface KeyAdmin {

  /** A key as created: the record, and the secret, which is shown this once and never stored. */
  record Created(ApiKey key, String secret) {}

  /** What a new key is; {@code expiresAt} 0 = never. */
  record NewKey(
      String name,
      String tenant,
      Set<Role> roles,
      List<Grant> grants,
      KeyLimits limits,
      long expiresAt) {}

  /** Refused by the registry: the status and sentence a client should see. */
  final class KeyAdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public KeyAdminException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  CompletionStage<Created> create(NewKey key, RequestMeta meta);

  CompletionStage<List<ApiKey>> list();

  CompletionStage<ApiKey> revoke(String id, RequestMeta meta);

  CompletionStage<ApiKey> changeAccess(
      String id, Set<Role> roles, List<Grant> grants, RequestMeta meta);

  CompletionStage<ApiKey> changeLimits(String id, KeyLimits limits, RequestMeta meta);

  /** Every change to keys, in order: the audit history of access. */
  CompletionStage<List<HistoryEntry>> history();
}
