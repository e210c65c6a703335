package io.modelfleet.gateway;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests so malformed that no route ever sees them (bad request line, oversized headers)
 * in the same {@code {"error": "..."}} form as everything else. Installed by name in the server
 * settings the gateway binds with ({@code GatewayServer.serverSettings}); pekko-http instantiates
 * it reflectively with the no-argument constructor.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String detail = info.formatPretty();
    log.warning("Illegal request, responding with status '{}': {}", status, detail);
    String message = info.summary().isEmpty() ? status.reason() : detail;
    if (info.summary().contains("'\u00ff'")) {
      // connection.RequestFraming turns bytes that are not UTF-8 into 0xFF; name the real problem.
      message = "a request header holds bytes that are neither ASCII nor well-formed UTF-8";
    }
    return Json.error(status.intValue(), message);
  }
}
