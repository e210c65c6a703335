package io.modelfleet.gateway.oip;

import io.modelfleet.gateway.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * An inference body split as Triton's binary tensor data extension says: the first {@code
 * Inference-Header-Content-Length} bytes are the JSON request, the rest are the binary sections of
 * the inputs that carry {@code binary_data_size}, back to back in the order those inputs appear in
 * the JSON. Without the header the whole body is JSON and there are no sections.
 *
 * <p>Sections are handed out with {@link #take} while the inputs are parsed; {@link
 * #requireConsumed} then refuses bytes no input claimed, because a size the client got wrong would
 * otherwise shift every later tensor silently.
 */
final class BinaryRequest {

  static final String HEADER = "Inference-Header-Content-Length";

  private final ByteString json;
  private final ByteString binary;
  private final boolean hasHeader;
  private final List<String> claims = new ArrayList<>();
  private int position;

  private BinaryRequest(ByteString json, ByteString binary, boolean hasHeader) {
    this.json = json;
    this.binary = binary;
    this.hasHeader = hasHeader;
  }

  /** A body without the header: all JSON. */
  static BinaryRequest json(ByteString body) {
    return new BinaryRequest(body, ByteString.emptyByteString(), false);
  }

  /**
   * Splits {@code body} at the header's value; a null header means plain JSON.
   *
   * @throws ApiException 400 when the header is not a length within the body
   */
  static BinaryRequest split(String header, ByteString body) {
    if (header == null) {
      return json(body);
    }
    long length = parseLength(header.trim());
    if (length < 0) {
      throw ApiException.badRequest(
          HEADER
              + " must be a non-negative integer (the byte length of the"
              + " JSON inference request at the start of the body), got '"
              + clip(header)
              + "'");
    }
    if (length > body.length()) {
      throw ApiException.badRequest(
          HEADER + " is " + length + " but the request body has only " + body.length() + " bytes");
    }
    if (length == 0) {
      throw ApiException.badRequest(
          HEADER + " is 0, but the body must begin with the JSON inference request");
    }
    int n = (int) length;
    return new BinaryRequest(body.take(n), body.drop(n), true);
  }

  ByteString json() {
    return json;
  }

  /**
   * The next {@code size} bytes of binary data, for the input {@code name}. Copies once: the tensor
   * owns its array, and the body's buffer is not kept past parsing.
   *
   * @throws ApiException 400 naming the input when fewer bytes are left
   */
  byte[] take(String name, long size) {
    long left = binary.length() - position;
    if (size > left) {
      if (!hasHeader) {
        throw ApiException.badRequest(
            "input '"
                + name
                + "' has binary_data_size "
                + size
                + " but the request has no binary data (no "
                + HEADER
                + " header)");
      }
      throw ApiException.badRequest(
          "input '"
              + name
              + "' has binary_data_size "
              + size
              + " but only "
              + left
              + " bytes of binary data are left after the JSON and the inputs before it");
    }
    int from = position;
    position += (int) size;
    claims.add("'" + name + "' " + size);
    return binary.slice(from, position).toArray();
  }

  /**
   * @throws ApiException 400 when bytes follow the last binary input's section
   */
  void requireConsumed() {
    int extra = binary.length() - position;
    if (extra == 0) {
      return;
    }
    if (claims.isEmpty()) {
      throw ApiException.badRequest(
          extra
              + " bytes follow the JSON inference request ("
              + HEADER
              + ") but no input has 'binary_data_size'");
    }
    throw ApiException.badRequest(
        "the binary data after the JSON is "
            + binary.length()
            + " bytes but the binary inputs take "
            + position
            + " ("
            + String.join(", ", claims)
            + "); "
            + extra
            + " bytes are left over");
  }

  /** The value as a length, or -1 when it is not a plain non-negative integer that fits a long. */
  private static long parseLength(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
