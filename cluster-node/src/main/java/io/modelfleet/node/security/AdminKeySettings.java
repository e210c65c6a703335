package io.modelfleet.node.security;

import com.typesafe.config.Config;
import io.modelfleet.protocol.security.KeySecrets;
import java.time.Duration;
import java.util.Optional;

/**
 * How the first start makes the administrator key, from {@code modelfleet.security}: the configured
 * key, if any, and how long to wait for the registry. The configured key is a secret: {@link
 * #toString} leaves it out, and a malformed one is refused without repeating it.
 */
public final class AdminKeySettings {
  static final String KEY_PATH = "modelfleet.security.bootstrap-admin-key";

  private final Optional<String> adminKey;
  private final Duration timeout;

  public AdminKeySettings(Optional<String> adminKey, Duration timeout) {
    if (adminKey.isPresent() && !KeySecrets.wellFormed(adminKey.get())) {
      throw new IllegalArgumentException(
          KEY_PATH
              + " (MODELFLEET_BOOTSTRAP_ADMIN_KEY) is not a ModelFleet key: it must be \""
              + KeySecrets.SCHEME
              + "\" followed by 43 characters of URL-safe Base64 (32 random bytes), e.g. from"
              + " echo \"mfk_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')\"");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "modelfleet.security.bootstrap-timeout must be positive, got " + timeout);
    }
    this.adminKey = adminKey;
    this.timeout = timeout;
  }

  public static AdminKeySettings fromConfig(Config root) {
    String key = root.getString(KEY_PATH).strip();
    return new AdminKeySettings(
        key.isEmpty() ? Optional.empty() : Optional.of(key),
        root.getDuration("modelfleet.security.bootstrap-timeout"));
  }

  /** The administrator key the configuration sets; empty: generate one and write it to a file. */
  public Optional<String> adminKey() {
    return adminKey;
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "AdminKeySettings[adminKey="
        + (adminKey.isPresent() ? "(configured)" : "(generated)")
        + ", timeout="
        + timeout
        + "]";
  }
}
