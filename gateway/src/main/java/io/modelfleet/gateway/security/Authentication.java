package io.modelfleet.gateway.security;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.protocol.security.ApiKey;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The one place a request's credentials meet the route table: reads the Bearer key, looks it up in
 * the {@link KeyCache}, finds the route's {@link RouteRequirement} and asks {@link AccessDecision}.
 * The answer is either the caller's {@link Identity} or the finished refusal: 401 with {@code
 * WWW-Authenticate: Bearer}, 403 naming the missing permission, or 404 worded exactly as the
 * routes' own for an unknown model. With security off every request is anonymous and allowed.
 *
 * <p>Costs one SHA-256 and a few map lookups per request, all in local memory.
 */
public final class Authentication {

  /** What became of a request. */
  public sealed interface Outcome {}

  /** It may run as {@code identity}. */
  public record Authorized(Identity identity) implements Outcome {}

  /** It is answered with {@code response} and goes no further. */
  public record Refused(HttpResponse response) implements Outcome {}

  static final String INVALID_KEY =
      "the API key is not valid: unknown, revoked or expired (send 'Authorization: Bearer <key>')";

  private final SecuritySettings settings;
  private final KeyCache keys;
  private final ModelTenants tenants;

  public Authentication(SecuritySettings settings, KeyCache keys, ModelTenants tenants) {
    this.settings = settings;
    this.keys = keys;
    this.tenants = tenants;
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /** Decides {@code request} at {@code nowMillis}. */
  public Outcome check(HttpRequest request, long nowMillis) {
    if (!settings.enabled()) {
      return new Authorized(Identity.ANONYMOUS);
    }
    return check(
        BearerCredentials.from(request),
        request.method().value(),
        request.getUri().path(),
        nowMillis);
  }

  /**
   * Decides a request from its Bearer secret (if any), method and path as sent (still
   * percent-encoded).
   */
  public Outcome check(Optional<String> secret, String method, String rawPath, long nowMillis) {
    if (!settings.enabled()) {
      return new Authorized(Identity.ANONYMOUS);
    }
    return check(secret, RoutePermissions.of(method, rawPath), nowMillis);
  }

  /** Decides a request whose route needs {@code requirement} (read once by the caller). */
  public Outcome check(Optional<String> secret, RouteRequirement requirement, long nowMillis) {
    try {
      return new Authorized(identify(secret, requirement, nowMillis));
    } catch (ApiException e) {
      return new Refused(
          e.status() == 401
              ? unauthenticated(e.getMessage())
              : Json.error(e.status(), e.getMessage()));
    }
  }

  /**
   * The same decision as {@link #check(Optional, RouteRequirement, long)} for a front door that
   * answers with its own status codes (gRPC): the caller's identity, or an {@link ApiException}
   * with the HTTP status (401, 403 or 404) and the sentence the HTTP answer would carry.
   */
  public Identity identify(Optional<String> secret, RouteRequirement requirement, long nowMillis) {
    if (!settings.enabled()) {
      return Identity.ANONYMOUS;
    }
    Optional<ApiKey> key = secret.flatMap(s -> keys.authenticate(s, nowMillis));
    AccessDecision decision = AccessDecision.decide(key, requirement, tenants);
    if (decision instanceof AccessDecision.Allowed a) {
      return Identity.of(a.key());
    }
    if (decision instanceof AccessDecision.Unauthenticated u) {
      throw new ApiException(401, secret.isPresent() ? INVALID_KEY : u.message());
    }
    if (decision instanceof AccessDecision.Forbidden f) {
      throw new ApiException(403, f.message());
    }
    throw ApiException.notFound(
        RegistryClient.notRegistered(((AccessDecision.Hidden) decision).model()));
  }

  /** 401 with the challenge that tells a client which scheme to use. */
  public static HttpResponse unauthenticated(String message) {
    return Json.error(401, message).addHeader(RawHeader.create("WWW-Authenticate", "Bearer"));
  }

  /** The 404 the routes give for a model that does not exist. */
  public static HttpResponse hidden(String model) {
    return Json.error(404, RegistryClient.notRegistered(model));
  }
}
