package io.modelfleet.gateway;

import io.modelfleet.protocol.tensor.TensorFormatException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every way a request can go wrong into {@code {"error": "..."}}: exceptions and failed
 * futures (known {@link ApiException}s keep their status; anything else is a 500 with a log line
 * carrying the request id) and pekko-http's own rejections (404, 405, 400, 413, ...), whose default
 * plain-text sentences are kept and wrapped in JSON.
 */
public final class ErrorHandling {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  private ErrorHandling() {}

  public static ExceptionHandler exceptions(Caller caller) {
    return ExceptionHandler.newBuilder()
        .matchAny(t -> Directives.complete(response(caller, t)))
        .build();
  }

  public static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::toJson);
  }

  /** The response for a failure; logs server faults with the request id. */
  public static HttpResponse response(Caller caller, Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ApiException e) {
      if (e.status() >= 500) {
        log.warn("request {} answered {}: {}", caller.requestId(), e.status(), e.getMessage());
      }
      return Json.error(e.status(), e.getMessage());
    }
    if (t instanceof TensorFormatException e) {
      return Json.error(400, e.getMessage());
    }
    if (t instanceof TimeoutException) {
      log.warn("request {} timed out: {}", caller.requestId(), t.toString());
      return Json.error(
          503, "the cluster did not answer in time (request id " + caller.requestId() + ")");
    }
    log.error("request {} failed with a server fault", caller.requestId(), t);
    return Json.error(
        500, "internal server error; see the gateway log for request id " + caller.requestId());
  }

  public static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  /** The answer pekko-http gives itself when a request outlives its timeout. */
  public static HttpResponse requestTimeout(Caller caller) {
    log.warn("request {} exceeded the server's request timeout", caller.requestId());
    return Json.error(
        503, "the request did not complete in time (request id " + caller.requestId() + ")");
  }

  private static HttpResponse toJson(HttpResponse r) {
    HttpEntity entity = r.entity();
    if (entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return r;
    }
    String text = entity instanceof HttpEntity.Strict s ? s.getData().utf8String().trim() : "";
    if (text.isEmpty()) {
      text = r.status().reason();
    }
    HttpResponse json = Json.error(r.status().intValue(), text);
    return r.withEntity(json.entity());
  }
}
