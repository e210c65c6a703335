package io.modelfleet.ops.logs;

import io.modelfleet.ops.observe.HttpExchange;
import io.modelfleet.ops.observe.HttpObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per HTTP request on the logger {@value #LOGGER} (route it, raise its level or send it to
 * a file in logback.xml): method, path, status, duration, request id, the key's id and tenant, and
 * bytes in and out. The same fields go as key-value pairs, which logback's JSON encoder writes as
 * fields ({@code MODELFLEET_LOG_FORMAT=json}). The shipped logback.xml writes this logger through
 * an asynchronous appender, so a slow console never holds up a request.
 */
public final class AccessLog implements HttpObserver {

  public static final String LOGGER = "io.modelfleet.access";

  private final Logger log;
  private final boolean probes;

  /**
   * @param probes whether the health probes ({@code /v2/health/*}), which orchestrators call every
   *     few seconds, are logged too
   */
  public AccessLog(boolean probes) {
    this(LoggerFactory.getLogger(LOGGER), probes);
  }

  AccessLog(Logger log, boolean probes) {
    this.log = log;
    this.probes = probes;
  }

  @Override
  public void completed(HttpExchange e) {
    if (!log.isInfoEnabled() || (!probes && e.path().startsWith("/v2/health/"))) {
      return;
    }
    log.atInfo()
        .setMessage(line(e))
        .addKeyValue("method", e.method())
        .addKeyValue("path", e.path())
        .addKeyValue("route", e.route())
        .addKeyValue("status", e.status())
        .addKeyValue("duration_ms", e.durationNanos() / 1e6)
        .addKeyValue("request_id", e.requestId())
        .addKeyValue("key_id", e.keyId())
        .addKeyValue("tenant", e.tenant())
        .addKeyValue("bytes_in", e.requestBytes())
        .addKeyValue("bytes_out", e.responseBytes())
        .log();
  }

  /**
   * The text line: {@code POST /v2/models/m/infer 200 0.412 ms id=… key=… tenant=… in=… out=…} ("-"
   * for an unknown key or length).
   */
  /** Nanoseconds as milliseconds with three decimals ({@code 412345} → "0.412"), without format. */
  static String millis(long nanos) {
    long micros = Math.max(0, nanos) / 1000;
    long fraction = micros % 1000;
    return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
  }

  static String line(HttpExchange e) {
    return e.method()
        + ' '
        + e.path()
        + ' '
        + e.status()
        + ' '
        + millis(e.durationNanos())
        + " ms id="
        + e.requestId()
        + " key="
        + (e.keyId().isEmpty() ? "-" : e.keyId())
        + " tenant="
        + e.tenant()
        + " in="
        + (e.requestBytes() < 0 ? "-" : Long.toString(e.requestBytes()))
        + " out="
        + (e.responseBytes() < 0 ? "-" : Long.toString(e.responseBytes()));
  }
}
