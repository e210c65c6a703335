package io.modelfleet.ops.jmx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a remote JMX client's user name and password (JConsole sends them as a {@code String[2]})
 * against the configured users. Both the name and the password are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about how much matched. A refusal
 * is a {@link SecurityException}, as JMX clients expect, and a log line naming the user (never the
 * password).
 */
final class PasswordAuthenticator implements JMXAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(PasswordAuthenticator.class);

  static final String REFUSED = "Authentication failed: unknown user name or wrong password";

  /** User name digest to password digest. */
  private final Map<String, byte[]> users;

  /** {@code users}: user name to password. */
  PasswordAuthenticator(Map<String, String> users) {
    this.users =
        Map.copyOf(
            users.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> digest(e.getValue()))));
  }

  @Override
  public Subject authenticate(Object credentials) {
    if (!(credentials instanceof String[] pair) || pair.length != 2) {
      log.warn("remote JMX login refused: no user name and password were sent");
      throw new SecurityException(
          "Authentication failed: credentials must be a user name and a password (String[2])");
    }
    String user = pair[0] == null ? "" : pair[0];
    byte[] given = digest(pair[1] == null ? "" : pair[1]);
    boolean ok = false;
    for (Map.Entry<String, byte[]> e : users.entrySet()) {
      // Every user is compared, matching or not, so the time does not tell which names exist.
      boolean nameMatches = MessageDigest.isEqual(digest(e.getKey()), digest(user));
      boolean passwordMatches = MessageDigest.isEqual(e.getValue(), given);
      ok |= nameMatches & passwordMatches;
    }
    if (!ok) {
      log.warn("remote JMX login refused for user '{}'", printable(user));
      throw new SecurityException(REFUSED);
    }
    log.info("remote JMX login by user '{}'", user);
    return new Subject(true, Set.of(new JMXPrincipal(user)), Set.of(), Set.of());
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A user name as sent, cut short and without control characters, for the log. */
  private static String printable(String user) {
    String cut = user.length() > 64 ? user.substring(0, 64) + "..." : user;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
