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
 * @param maxJsonBody largest JSON request body in bytes (uploads of raw ONNX files are not limited
 *     here)
 * @param preferLocalReplicas whether replica choice favours replicas on the gateway's own node
 * @param firstAttemptTimeout the longest an inference's first attempt waits when a retry elsewhere
 *     is possible
 * @param loadPollInterval how often a repository load looks for a Ready replica of its version
 * @param requestTimeoutSlack added to a route's own deadline and ask-timeout for pekko-http's
 *     request timeout
 * @param coldStartTimeout how long an inference for a version scaled to zero waits for a replica to
 *     load (unless its own timeout parameter is shorter)
 */
public record GatewaySettings(
    String host,
    int port,
    Duration askTimeout,
    Duration inferTimeout,
    Duration loadTimeout,
    long maxJsonBody,
    boolean preferLocalReplicas,
    Duration firstAttemptTimeout,
    Duration loadPollInterval,
    Duration requestTimeoutSlack,
    Duration coldStartTimeout) {

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
    requirePositive("first-attempt-timeout", firstAttemptTimeout);
    requirePositive("load-poll-interval", loadPollInterval);
    requirePositive("cold-start-timeout", coldStartTimeout);
    if (requestTimeoutSlack == null || requestTimeoutSlack.isNegative()) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.request-timeout-slack must not be negative, got "
              + requestTimeoutSlack);
    }
    if (maxJsonBody <= 0) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.max-json-body must be positive, got " + maxJsonBody);
    }
  }

  /**
   * Reads {@code modelfleet.gateway.*} from the whole configuration (as {@code
   * system.settings().config()}).
   */
  public static GatewaySettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.gateway");
    return new GatewaySettings(
        c.getString("host"),
        c.getInt("port"),
        c.getDuration("ask-timeout"),
        c.getDuration("infer-timeout"),
        c.getDuration("load-timeout"),
        c.getBytes("max-json-body"),
        c.getBoolean("prefer-local-replicas"),
        c.getDuration("first-attempt-timeout"),
        c.getDuration("load-poll-interval"),
        c.getDuration("request-timeout-slack"),
        c.getDuration("cold-start-timeout"));
  }

  /** The same settings bound to another port (tests bind port 0). */
  public GatewaySettings withPort(int newPort) {
    return new GatewaySettings(
        host,
        newPort,
        askTimeout,
        inferTimeout,
        loadTimeout,
        maxJsonBody,
        preferLocalReplicas,
        firstAttemptTimeout,
        loadPollInterval,
        requestTimeoutSlack,
        coldStartTimeout);
  }

  /**
   * pekko-http's request timeout on the inference route: past the dispatcher's own deadline (and a
   * registry call, and the wait of a cold start), so that the dispatcher's 504 or 503, which names
   * the model, is what the client sees.
   */
  public Duration inferRequestTimeout() {
    return coldStartTimeout.plus(inferTimeout).plus(askTimeout).plus(requestTimeoutSlack);
  }

  /**
   * pekko-http's request timeout on a repository load: the load's own deadline plus room for its
   * last registry calls, so that the load's 503 naming the replicas' states answers first.
   */
  public Duration loadRequestTimeout() {
    return loadTimeout.plus(askTimeout).plus(requestTimeoutSlack);
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "modelfleet.gateway." + key + " must be a positive duration, got " + d);
    }
  }
}
