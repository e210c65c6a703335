package io.modelfleet.gateway.security;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Whether the gateway asks for keys, read from {@code modelfleet.security.mode} (see this module's
 * reference.conf). {@code on} (the default) requires a key on every endpoint but the health probes;
 * {@code off} keeps the anonymous gateway, for local experiments only.
 */
public record SecuritySettings(boolean enabled) {

  public static final SecuritySettings ON = new SecuritySettings(true);
  public static final SecuritySettings OFF = new SecuritySettings(false);

  /** Reads {@code modelfleet.security.mode} from the whole configuration. */
  public static SecuritySettings fromConfig(Config root) {
    String mode = root.getString("modelfleet.security.mode").trim().toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "on", "true", "yes" -> ON;
      case "off", "false", "no" -> OFF;
      default ->
          throw new IllegalArgumentException(
              "modelfleet.security.mode must be on or off, got '" + mode + "'");
    };
  }

  /** The word the configuration uses, for the start-up log line. */
  public String mode() {
    return enabled ? "on" : "off";
  }
}
