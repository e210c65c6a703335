package io.modelfleet.node.testing;

import java.net.http.HttpRequest;

/**
 * The one administrator key of every node a test starts. Once security is on by default, every
 * endpoint but the health probes needs {@code Authorization: Bearer <key>}: {@link NodeProcess} and
 * {@link TestNodes} make each node bootstrap its administrator key from {@link #ADMIN}, and every
 * test client ({@link Http}, {@link BinaryHttp}, {@link LoadGenerator}, the ITs' own requests)
 * sends it through {@link #authorize}. A fixed secret, so a failing test's request can be replayed
 * by hand; it is a test fixture, never a key for a real cluster. A node whose security is off
 * ignores the header.
 */
public final class TestKeys {
  /** A well-formed key secret ({@code KeySecrets.wellFormed}): "mfk_" and 43 URL-safe chars. */
  public static final String ADMIN = "mfk_TestOnlyAdministratorKeyForModelFleetTests0";

  /** The environment variable a node process reads its first administrator key from. */
  public static final String ENV = "MODELFLEET_BOOTSTRAP_ADMIN_KEY";

  /** The setting that environment variable fills, for nodes started in the test's JVM. */
  public static final String SETTING = "modelfleet.security.bootstrap-admin-key";

  public static final String HEADER = "Authorization";

  /** The value of {@link #HEADER} that presents {@link #ADMIN}. */
  public static final String BEARER = "Bearer " + ADMIN;

  /** The header as one line of a raw HTTP/1.1 request, CRLF included. */
  public static final String HEADER_LINE = HEADER + ": " + BEARER + "\r\n";

  private TestKeys() {}

  /** {@code b} presenting the administrator key (replacing any Authorization set before). */
  public static HttpRequest.Builder authorize(HttpRequest.Builder b) {
    return b.setHeader(HEADER, BEARER);
  }

  /**
   * {@code r} presenting the administrator key, unless it already carries credentials of its own (a
   * test of another key, or of a wrong one, keeps them).
   */
  public static HttpRequest authorize(HttpRequest r) {
    return authorize(r, ADMIN);
  }

  /** As {@link #authorize(HttpRequest)}, presenting {@code key} instead. */
  public static HttpRequest authorize(HttpRequest r, String key) {
    if (r.headers().firstValue(HEADER).isPresent()) {
      return r;
    }
    return HttpRequest.newBuilder(r, (name, value) -> true).header(HEADER, "Bearer " + key).build();
  }
}
