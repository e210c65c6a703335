package io.modelfleet.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;

class CompressionTest {
  private static final HttpResponse BIG =
      HttpResponse.create()
          .withEntity(ContentTypes.APPLICATION_JSON, "{\"x\":\"" + "a".repeat(4000) + "\"}");
  private static final HttpResponse SMALL =
      HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, "{}");

  private static Optional<String> encodingFor(String acceptEncoding, HttpResponse response) {
    HttpRequest request = HttpRequest.create("/");
    if (acceptEncoding != null) {
      request = request.addHeader(HttpHeader.parse("Accept-Encoding", acceptEncoding));
    }
    return Compression.encode(request, response, 1024)
        .getHeader("Content-Encoding")
        .map(h -> h.value());
  }

  @Test
  void gzipIsPreferredThenDeflate() {
    assertEquals(Optional.of("gzip"), encodingFor("gzip, deflate", BIG));
    assertEquals(Optional.of("gzip"), encodingFor("deflate, gzip", BIG));
    assertEquals(Optional.of("deflate"), encodingFor("deflate", BIG));
    assertEquals(Optional.of("gzip"), encodingFor("*", BIG));
  }

  @Test
  void nothingIsCompressedUnlessAskedLargeEnoughAndNotRefused() {
    assertFalse(encodingFor(null, BIG).isPresent());
    assertFalse(encodingFor("identity", BIG).isPresent());
    assertFalse(encodingFor("gzip", SMALL).isPresent());
    assertEquals(Optional.of("deflate"), encodingFor("*, gzip;q=0", BIG));
    assertFalse(encodingFor("gzip;q=0", BIG).isPresent());
  }
}
