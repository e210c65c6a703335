package io.modelfleet.gateway.security;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Reads the key a request presents: {@code Authorization: Bearer <secret>}, what tritonclient and
 * KServe clients send through their {@code headers=} argument. The scheme is case-insensitive and
 * followed by one space or more; anything else (another scheme, an empty or spaced token, two
 * Authorization headers) is "no credentials", so the request is answered 401 rather than guessed
 * at.
 *
 * <p>The secret is returned to the caller only; nothing here logs it, and the class deliberately
 * has no {@code toString} of its own to leak it through.
 */
public final class BearerCredentials {

  public static final String HEADER = "Authorization";

  private static final String SCHEME = "bearer";

  private BearerCredentials() {}

  /** The secret of the request's one Authorization header, if it is a Bearer credential. */
  public static Optional<String> from(HttpRequest request) {
    String found = null;
    for (HttpHeader h : request.getHeaders()) {
      if (h.is("authorization")) {
        if (found != null) {
          return Optional.empty();
        }
        found = h.value();
      }
    }
    return found == null ? Optional.empty() : parse(found);
  }

  /** The secret in one Authorization header value ({@code "Bearer mfk_..."}). */
  public static Optional<String> parse(String headerValue) {
    if (headerValue == null
        || headerValue.length() <= SCHEME.length() + 1
        || !headerValue.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || headerValue.charAt(SCHEME.length()) != ' ') {
      return Optional.empty();
    }
    int start = SCHEME.length();
    while (start < headerValue.length() && headerValue.charAt(start) == ' ') {
      start++;
    }
    String token = headerValue.substring(start);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return Optional.empty();
      }
    }
    return Optional.of(token);
  }
}
