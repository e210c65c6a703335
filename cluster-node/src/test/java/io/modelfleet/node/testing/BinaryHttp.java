package io.modelfleet.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Triton's binary tensor extension from the client side: a JSON header, then raw tensor bytes, sent
 * with the tests' administrator key ({@link TestKeys}).
 */
public final class BinaryHttp {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private BinaryHttp() {}

  /**
   * The JSON part of a response and the binary bytes that followed it (empty for a plain JSON
   * reply).
   */
  public record Reply(int status, JsonNode json, byte[] binary) {}

  public static Reply post(String url, String jsonHeader, byte[] binary) {
    byte[] header = jsonHeader.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(header);
    body.writeBytes(binary);
    return postRaw(url, header.length, body.toByteArray());
  }

  public static Reply postRaw(String url, int headerLength, byte[] body) {
    try {
      HttpResponse<byte[]> r =
          CLIENT.send(
              TestKeys.authorize(HttpRequest.newBuilder(URI.create(url)))
                  .header("Inference-Header-Content-Length", Integer.toString(headerLength))
                  .header("Content-Type", "application/octet-stream")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      byte[] bytes = r.body();
      int jsonLength =
          r.headers()
              .firstValue("Inference-Header-Content-Length")
              .map(Integer::parseInt)
              .orElse(bytes.length);
      JsonNode json = Http.JSON.readTree(new String(bytes, 0, jsonLength, StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), json, Arrays.copyOfRange(bytes, jsonLength, bytes.length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
