package io.modelfleet.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The gateway's settings, read from {@code modelfleet.gateway} (see this module's reference.conf
 * for the meaning, unit and default of each key).
 *
 * @param host interface to bind
 * @param port port to bind; 0 picks a free one (tests)
 * @param askTimeout how long a call to the model registry may take
 * @param inferTimeout the deadline of one inference, retries included
 * @param loadTimeout how long a Triton repository load waits for a Ready replica
 * @param maxJsonBody largest JSON request body in bytes (uploads of raw ONNX files are not limited here)
 * @param preferLocalReplicas whether replica choice favours replicas on the gateway's own node
 */
public record GatewaySettings(
    String host,
    int port,
    Duration askTimeout,
    Duration inferTimeout,
    Duration loadTimeout,
    long maxJsonBody,
    boolean preferLocalReplicas) {

  public GatewaySettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("modelfleet.gateway.host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("modelfleet.gateway.port must be 0..65535, got " + port);
    }
    requirePositive("ask-timeout", askTimeout);
    requirePositive("infer-timeout", inferTimeout);
    requirePositive("load-timeout", loadTimeout);
    if (maxJsonBody <= 0) {
      throw new IllegalArgumentException("modelfleet.gateway.max-json-body must be positive, got " + maxJsonBody);
    }
  }

  /** Reads {@code modelfleet.gateway.*} from the whole configuration (as {@code system.settings().config()}). */
  public static GatewaySettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.gateway");
    return new GatewaySettings(
        c.getString("host"),
        c.getInt("port"),
        c.getDuration("ask-timeout"),
        c.getDuration("infer-timeout"),
        c.getDuration("load-timeout"),
        c.getBytes("max-json-body"),
        c.getBoolean("prefer-local-replicas"));
  }

  /** The same settings bound to another port (tests bind port 0). */
  public GatewaySettings withPort(int newPort) {
    return new GatewaySettings(host, newPort, askTimeout, inferTimeout, loadTimeout, maxJsonBody, preferLocalReplicas);
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("modelfleet.gateway." + key + " must be a positive duration, got " + d);
    }
  }
}
