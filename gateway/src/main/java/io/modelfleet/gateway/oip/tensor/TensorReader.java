package io.modelfleet.gateway.oip.tensor;

import static io.modelfleet.gateway.oip.tensor.JsonValueText.describe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfleet.gateway.shm.ShmRef;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads one input tensor object in the JSON form of the Open Inference Protocol (KServe v2), {@code
 * {"name": ..., "datatype": ..., "shape": [...], "data": [...]}}, from a streaming {@link
 * JsonParser} straight into its little-endian buffer, never through a tree of JSON nodes: a request
 * holds about as much memory as its tensors' real size, not the size of the JSON text's object
 * graph.
 *
 * <p>Parsing is strict because a silently truncated or wrapped number would become a wrong
 * prediction; every rejection is a {@link TensorFormatException} whose message names the input and
 * the field. Two leniencies: {@code data} may be flat or nested (see below), and an integer tensor
 * accepts a JSON number with an integral value such as {@code 3.0} or {@code 1e2}, because many
 * client libraries serialise every number as a double.
 *
 * <p>Everything is checked while it is read. The element count can never pass the shape's product,
 * the first element of the wrong kind (a {@code {}} in an FP32 tensor) fails before any buffer is
 * allocated, and every buffer is announced to a {@link MemoryReservation} before it is allocated.
 * {@code data} may be flat or nested (it is read row-major), but all its elements must sit at one
 * depth, no deeper than the shape's rank.
 *
 * <p>Members may come in any order. When {@code data} comes before {@code name}, {@code datatype}
 * or {@code shape}, it is skipped (which allocates nothing) and read again from its byte offset
 * once the object ends, through the caller's {@link Source}.
 *
 * <p>Floats accept what {@link TensorWriter#writeOutput} writes for non-finite values, the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, and the bare literals {@code NaN},
 * {@code Infinity} and {@code -Infinity} that some clients send (when the parser allows them), so
 * that a response can be sent back as a request. A finite literal too large for its type is still
 * refused: {@code 1e39} for FP32 is a mistake, not infinity.
 */
public final class TensorReader {

  /** More dimensions than any model uses (NumPy allows 64); bounds the shape array. */
  public static final int MAX_RANK = 64;

  static final String VALID_TYPES =
      Arrays.stream(DataType.values()).map(Enum::name).collect(Collectors.joining(", "));

  private TensorReader() {}

  /** Opens a parser on the same JSON text, positioned before the token at {@code byteOffset}. */
  @FunctionalInterface
  public interface Source {
    JsonParser parserAt(long byteOffset) throws IOException;
  }

  /**
   * One input object: its validated header and either its decoded data or, for an input whose
   * values follow the JSON (Triton's binary extension), the size of its binary section.
   *
   * @param data the tensor's bytes, or null for a binary or shared memory input
   * @param binaryDataSize the {@code binary_data_size} parameter, or -1 for a JSON input
   * @param shm where a shared memory input's values are ({@code shared_memory_region} and its size
   *     and offset), else null
   */
  public record Input(TensorHeader header, byte[] data, long binaryDataSize, ShmRef shm) {
    public Input(TensorHeader header, byte[] data, long binaryDataSize) {
      this(header, data, binaryDataSize, null);
    }

    public boolean binary() {
      return data == null && shm == null;
    }

    /** The tensor of a JSON input. */
    public Tensor tensor() {
      if (data == null) {
        throw new TensorFormatException(header.who() + ": missing 'data'");
      }
      return new Tensor(header.name(), header.datatype(), header.shape(), data);
    }
  }

  /**
   * Reads the input object whose first token is the parser's current token and leaves the parser on
   * its closing brace.
   *
   * @param source reopens the text when {@code data} precedes the header; null when the caller
   *     guarantees it does not (a tree reordered with {@code data} last)
   * @throws TensorFormatException naming the input and field for any malformed input
   * @throws IOException for JSON syntax errors
   */
  public static Input read(JsonParser p, Source source, MemoryReservation budget)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new TensorFormatException("each input must be a JSON object, got " + describe(p));
    }
    InputFields f = new InputFields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "name" -> f.name(p, t);
        case "datatype" -> f.datatype(p, t);
        case "shape" -> f.shape(p, t);
        case "parameters" -> f.parameters(p, t);
        case "data" -> {
          if (f.dataSeen) {
            throw new TensorFormatException(f.who() + ": 'data' is given more than once");
          }
          f.dataSeen = t != JsonToken.VALUE_NULL;
          if (t == JsonToken.VALUE_NULL) {
            continue;
          }
          if (t != JsonToken.START_ARRAY) {
            f.dataProblem = describe(p);
          } else if (f.headerComplete() || source == null) {
            f.data = readData(p, f.header(), budget);
          } else {
            f.dataOffset = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return f.finish(source, budget);
  }

  /**
   * Parses one input tensor object given as a JSON tree into little-endian raw bytes, with the same
   * checks as {@link #read}. For callers that hold a small tree already; inference requests are
   * read with {@link #read} straight from the body.
   */
  public static Tensor parseInput(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      throw new TensorFormatException("each input must be a JSON object, got nothing");
    }
    JsonNode ordered = node;
    if (node.isObject() && node.has("data")) {
      // The reader needs the header before the data; a tree cannot be reopened at an offset.
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      node.properties()
          .forEach(
              e -> {
                if (!e.getKey().equals("data")) {
                  o.set(e.getKey(), e.getValue());
                }
              });
      o.set("data", node.get("data"));
      ordered = o;
    }
    try (JsonParser p = ordered.traverse()) {
      p.nextToken();
      return read(p, null, MemoryReservation.NONE).tensor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the array the parser is on into a buffer for {@code h}; leaves the parser on its end. */
  static byte[] readData(JsonParser p, TensorHeader h, MemoryReservation budget)
      throws IOException {
    ElementSink sink = ElementSink.of(h, budget);
    int rank = h.shape().length;
    int maxDepth = Math.max(1, rank);
    long needed = h.elementCount();
    int depth = 1;
    int leafDepth = -1;
    long index = 0;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        depth++;
        if (depth > maxDepth) {
          throw new TensorFormatException(
              h.who()
                  + ": data is nested "
                  + depth
                  + " deep but shape "
                  + Tensor.shapeText(h.shape())
                  + " has "
                  + rank
                  + " dimension"
                  + (rank == 1 ? "" : "s"));
        }
        if (leafDepth != -1 && depth > leafDepth) {
          throw mixedDepths(h, index, depth, leafDepth);
        }
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else if (t == null) {
        throw new TensorFormatException(h.who() + ": 'data' ends before its closing bracket");
      } else {
        if (leafDepth == -1) {
          leafDepth = depth;
        } else if (depth != leafDepth) {
          throw mixedDepths(h, index, depth, leafDepth);
        }
        if (index == needed) {
          throw new TensorFormatException(
              h.who()
                  + ": data has more than "
                  + needed
                  + " elements but shape "
                  + Tensor.shapeText(h.shape())
                  + " needs "
                  + needed);
        }
        sink.put(p, t, index);
        index++;
      }
    }
    if (index != needed) {
      throw new TensorFormatException(
          h.who()
              + ": data has "
              + index
              + " elements but shape "
              + Tensor.shapeText(h.shape())
              + " needs "
              + needed);
    }
    return sink.finish();
  }

  static TensorFormatException mixedDepths(TensorHeader h, long index, int depth, int leafDepth) {
    return new TensorFormatException(
        h.who()
            + ": data element "
            + index
            + " is nested "
            + depth
            + " deep where earlier elements are nested "
            + leafDepth
            + " deep; send 'data' flat, or nested"
            + " the same way throughout like shape "
            + Tensor.shapeText(h.shape()));
  }

  static void skipRestOfArray(JsonParser p) throws IOException {
    p.skipChildren();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      p.skipChildren();
    }
  }
}
