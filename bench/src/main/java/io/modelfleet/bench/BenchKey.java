package io.modelfleet.bench;

import io.modelfleet.protocol.security.KeySecrets;

/**
 * The administrator key of every node the bench starts and of every request it sends past the
 * health probes: a node with security on (the default once access control lands) answers anything
 * else 401. The node takes it as its first administrator key from MODELFLEET_BOOTSTRAP_ADMIN_KEY;
 * the clients put it into their pre-built requests once ({@link MiniHttpClient#authorized}), so the
 * hot path sends the same bytes without work per request. {@code -Dbench.admin.key} sets another;
 * the default is a fixed bench-only secret, fine for the throwaway data directories the bench
 * starts its nodes on, never for a real cluster. A node whose security is off ignores it.
 */
final class BenchKey {

  static final String PROPERTY = "bench.admin.key";

  /** The environment variable a node reads its first administrator key from. */
  static final String ENV = "MODELFLEET_BOOTSTRAP_ADMIN_KEY";

  static final String HEADER = "Authorization";

  /** A well-formed secret ("mfk_" and 43 URL-safe Base64 characters), for benchmarks only. */
  static final String DEFAULT = "mfk_BenchOnlyAdministratorKeyForModelFleetRuns0";

  private BenchKey() {}

  /** The key to start nodes with and to send; refuses a malformed one without repeating it. */
  static String secret() {
    String key = System.getProperty(PROPERTY, DEFAULT);
    if (!KeySecrets.wellFormed(key)) {
      throw new IllegalArgumentException(
          PROPERTY
              + " is not a ModelFleet key: it must be \""
              + KeySecrets.SCHEME
              + "\" followed by 43 characters of URL-safe Base64");
    }
    return key;
  }

  /** The value of the {@link #HEADER} header that presents {@link #secret()}. */
  static String bearer() {
    return "Bearer " + secret();
  }
}
