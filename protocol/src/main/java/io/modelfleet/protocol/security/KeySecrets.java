package io.modelfleet.protocol.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Making and checking key secrets. A secret is {@code mfk_} followed by 32 random bytes (256 bits)
 * in URL-safe Base64, so it passes through headers, shells and YAML unquoted. Only its SHA-256 is
 * stored: a fast hash is enough for a random 256-bit secret (nothing to brute-force), and it keeps
 * the per-request check to one hash. Hashes are compared in constant time.
 */
public final class KeySecrets {

  public static final String SCHEME = "mfk_";

  /** How many characters of a secret are kept to recognise it by ("mfk_AbCd"). */
  public static final int PREFIX_LENGTH = SCHEME.length() + 6;

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeySecrets() {}

  /** A new random secret. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The stored form of a secret: lowercase hex SHA-256 of its UTF-8 bytes. */
  public static String hash(String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first characters of a secret, shown in listings so a person can tell keys apart. */
  public static String prefix(String secret) {
    return secret.substring(0, Math.min(PREFIX_LENGTH, secret.length()));
  }

  /** Constant-time comparison of two stored hashes. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether a presented credential is shaped like a secret this cluster issues. */
  public static boolean wellFormed(String secret) {
    return secret != null
        && secret.startsWith(SCHEME)
        && secret.length() == SCHEME.length() + 43
        && secret.chars().skip(SCHEME.length()).allMatch(KeySecrets::base64Url);
  }

  private static boolean base64Url(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
