package io.modelfleet.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.util.ByteString;

/**
 * JSON in and out of the gateway. Responses are written with a streaming {@link JsonGenerator}
 * straight into a ByteString, so tensors never become a tree of boxed numbers. Inference requests
 * are read with a streaming parser ({@link #inferenceParser}); other, small bodies as a tree.
 */
public final class Json {

  /**
   * Jackson's default 20 MB cap on one string would refuse a base64 model in a repository load; the
   * body size limit (max-json-body) is the real bound, so strings are not capped again.
   */
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();

  /** Rejects trailing garbage ({@code {} x}) rather than silently reading the first value. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(FACTORY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  /**
   * For inference bodies, read as a stream. Also accepts the bare {@code NaN}, {@code Infinity} and
   * {@code -Infinity} that tritonclient writes for non-finite floats.
   */
  private static final JsonFactory INFERENCE_FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          // Millions of floats per body: the fast parser makes less garbage per number than the
          // JDK's.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  private Json() {}

  /** A streaming parser over {@code body} (no copy of the bytes). */
  public static JsonParser inferenceParser(ByteString body) throws IOException {
    return INFERENCE_FACTORY.createParser(body.iterator().asInputStream());
  }

  /**
   * The 400 for a syntax error: Jackson's sentence with the position, without its hints about
   * parser features (a client cannot switch them on) or its input source.
   */
  public static ApiException syntaxError(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return ApiException.badRequest(
        "the request body is not valid JSON: " + plainMessage(e.getOriginalMessage()) + where);
  }

  /** Jackson's message cut before any advice about its features or constraints. */
  static String plainMessage(String message) {
    String m = message == null ? "malformed input" : message;
    // Jackson names its (redacted) input source inside locations; the client knows its own body.
    m = m.replaceAll("\\[Source: .*?; line:", "[line:");
    for (String hint :
        new String[] {
          ": enable `",
          "; enable `",
          " enable `",
          " (not recognized as one since Feature",
          " (from `StreamReadConstraints",
          ", from `StreamReadConstraints",
          " (`StreamReadFeature",
          "\n"
        }) {
      int at = m.indexOf(hint);
      if (at > 0) {
        m = m.substring(0, at);
      }
    }
    return m.strip();
  }

  /** Writes one JSON value. */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  public static ByteString bytes(Writer w) {
    ChunkedOutput out = new ChunkedOutput();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      w.write(g);
    } catch (IOException e) {
      // Only a bug in a writer gets here: the target is memory.
      throw new UncheckedIOException(e);
    }
    return out.result();
  }

  /**
   * Collects output in fixed 64 KiB arrays chained into one ByteString. A growing array (as
   * ByteStringBuilder's stream) copies itself at every doubling, so a 60 MB response would briefly
   * need twice that; here it needs its own size.
   */
  private static final class ChunkedOutput extends OutputStream {
    private static final int CHUNK_BYTES = 64 * 1024;
    private final List<ByteString> full = new ArrayList<>();
    private byte[] current = new byte[512];
    private int pos;

    @Override
    public void write(int b) {
      if (pos == current.length) {
        next();
      }
      current[pos++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      while (len > 0) {
        if (pos == current.length) {
          next();
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(b, off, current, pos, n);
        pos += n;
        off += n;
        len -= n;
      }
    }

    /** Small bodies stay in one small array; from the second chunk on, chunks are 64 KiB. */
    private void next() {
      if (full.isEmpty() && current.length < CHUNK_BYTES) {
        current = Arrays.copyOf(current, Math.min(CHUNK_BYTES, current.length * 4));
        return;
      }
      full.add(ByteString.fromArrayUnsafe(current, 0, pos));
      current = new byte[CHUNK_BYTES];
      pos = 0;
    }

    ByteString result() {
      ByteString last = ByteString.fromArrayUnsafe(current, 0, pos);
      if (full.isEmpty()) {
        return last;
      }
      // concat chains the arrays (a rope); it copies no bytes.
      ByteString all = full.get(0);
      for (int i = 1; i < full.size(); i++) {
        all = all.concat(full.get(i));
      }
      return all.concat(last);
    }
  }

  /**
   * nginx's "client closed request": the status a request whose client went away ends with, in the
   * gateway's logs and metrics (no client reads it). Not a standard code, so pekko-http needs it
   * declared.
   */
  private static final StatusCode CLIENT_CLOSED_REQUEST =
      StatusCodes.custom(
          499, "Client Closed Request", "the client went away before the answer", false, true);

  public static HttpResponse response(int status, Writer w) {
    HttpResponse r = HttpResponse.create();
    return (status == 499 ? r.withStatus(CLIENT_CLOSED_REQUEST) : r.withStatus(status))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes(w)));
  }

  public static HttpResponse ok(Writer w) {
    return response(200, w);
  }

  /** {@code {}}: what Triton answers to a repository load or unload. */
  public static HttpResponse emptyObject() {
    return response(
        200,
        g -> {
          g.writeStartObject();
          g.writeEndObject();
        });
  }

  public static HttpResponse error(int status, String message) {
    return response(
        status,
        g -> {
          g.writeStartObject();
          g.writeStringField("error", message);
          g.writeEndObject();
        });
  }

  /**
   * Parses a request body. An empty body is {@code null} so that routes whose body is optional can
   * tell "absent" from "malformed".
   *
   * @throws ApiException 400 naming the syntax problem
   */
  public static JsonNode parse(ByteString body) {
    if (body.isEmpty()) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(body.toArrayUnsafe());
      return node == null || node.isMissingNode() ? null : node;
    } catch (JsonProcessingException e) {
      throw syntaxError(e);
    } catch (IOException e) {
      throw ApiException.badRequest(
          "the request body could not be read as JSON: " + e.getMessage());
    }
  }

  /** Parses a body that must be a JSON object (absent allowed: then null). */
  public static JsonNode parseObject(ByteString body) {
    JsonNode node = parse(body);
    if (node != null && !node.isObject()) {
      throw ApiException.badRequest("the request body must be a JSON object, got " + kind(node));
    }
    return node;
  }

  /** "a string", "an array", ... for error sentences. */
  public static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "the number " + n.asText();
      case BOOLEAN -> n.asText();
      case NULL -> "null";
      default -> n.getNodeType().name().toLowerCase();
    };
  }
}
