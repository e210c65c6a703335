package io.modelfleet.gateway.connection;

import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.coding.Coder;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.AcceptEncoding;
import org.apache.pekko.http.javadsl.model.headers.HttpEncodingRange;
import org.apache.pekko.http.javadsl.model.headers.HttpEncodings;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Compressed bodies both ways, as Triton does for tritonclient's {@code
 * request_compression_algorithm} and {@code response_compression_algorithm}.
 *
 * <p>Requests: {@code Content-Encoding: gzip} or {@code deflate} bodies are inflated as they
 * stream, before any route reads them, so every body limit (max-json-body, the upload limit) and
 * {@code Inference-Header-Content-Length} apply to the decoded bytes: a zip bomb meets the limit's
 * 413 after max-json-body decoded bytes, never more memory. Other codings answer 400 naming the
 * ones accepted (pekko-http's rejection, written as JSON).
 *
 * <p>Responses: gzip (preferred) or deflate when {@code Accept-Encoding} allows it and the body is
 * at least compress-min-size bytes or streamed; smaller bodies gain nothing but CPU time.
 */
public final class Compression {
  private Compression() {}

  /** Compresses what {@code inner} answers, when the client accepts it and it is large enough. */
  public static Route encodeResponses(long minSize, Supplier<Route> inner) {
    return Directives.extractRequest(
        request -> Directives.mapResponse(response -> encode(request, response, minSize), inner));
  }

  /**
   * Inflates gzip and deflate request bodies for {@code inner}; other codings are rejected, so this
   * goes inside the rejection handler that writes JSON.
   */
  public static Route decodeRequests(Supplier<Route> inner) {
    return Directives.decodeRequest(inner);
  }

  static HttpResponse encode(HttpRequest request, HttpResponse response, long minSize) {
    if (response.getHeader("Content-Encoding").isPresent()) {
      return response;
    }
    HttpEntity entity = response.entity();
    if (entity.isKnownEmpty()
        || (entity instanceof HttpEntity.Strict s && s.getData().length() < minSize)) {
      return response;
    }
    Coder coder = chosen(request);
    if (coder == null) {
      return response;
    }
    return coder.encodeMessage(response).addHeader(RawHeader.create("Vary", "Accept-Encoding"));
  }

  /** gzip if the client takes it, else deflate, else none; a q of 0 refuses. */
  private static Coder chosen(HttpRequest request) {
    var header = request.getHeader(AcceptEncoding.class);
    if (header.isEmpty()) {
      return null;
    }
    boolean gzip = false;
    boolean deflate = false;
    for (HttpEncodingRange range : header.get().getEncodings()) {
      if (range.qValue() <= 0f) {
        continue;
      }
      gzip |= range.matches(HttpEncodings.GZIP);
      deflate |= range.matches(HttpEncodings.DEFLATE);
    }
    // An explicit "gzip;q=0" after "*" must still refuse gzip.
    for (HttpEncodingRange range : header.get().getEncodings()) {
      if (range.qValue() <= 0f
          && range.matches(HttpEncodings.GZIP)
          && !range.toString().startsWith("*")) {
        gzip = false;
      }
      if (range.qValue() <= 0f
          && range.matches(HttpEncodings.DEFLATE)
          && !range.toString().startsWith("*")) {
        deflate = false;
      }
    }
    return gzip ? Coder.Gzip : deflate ? Coder.Deflate : null;
  }
}
