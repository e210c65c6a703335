package io.modelfleet.node.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the spans out of an OTLP/HTTP traces request body (protobuf {@code
 * ExportTraceServiceRequest}) by walking the protobuf wire format with the field numbers of
 * opentelemetry-proto's trace.proto: request.resource_spans = 1, ResourceSpans.scope_spans = 2,
 * ScopeSpans.spans = 2, Span.trace_id = 1, span_id = 2, parent_span_id = 4, name = 5. Unknown
 * fields are skipped by their wire type, as any protobuf reader does; a malformed body throws.
 */
public final class OtlpSpans {
  private OtlpSpans() {}

  /** One span: ids as lower-case hex ("" for no parent). */
  public record SpanRecord(String traceId, String spanId, String parentSpanId, String name) {}

  public static List<SpanRecord> parse(byte[] body) {
    List<SpanRecord> spans = new ArrayList<>();
    for (byte[] resourceSpans : fields(body, 1)) {
      for (byte[] scopeSpans : fields(resourceSpans, 2)) {
        for (byte[] span : fields(scopeSpans, 2)) {
          spans.add(
              new SpanRecord(
                  hex(first(span, 1)),
                  hex(first(span, 2)),
                  hex(first(span, 4)),
                  new String(first(span, 5), StandardCharsets.UTF_8)));
        }
      }
    }
    return spans;
  }

  private static byte[] first(byte[] message, int field) {
    List<byte[]> all = fields(message, field);
    return all.isEmpty() ? new byte[0] : all.get(0);
  }

  /** The length-delimited values of {@code field} in {@code message}. */
  private static List<byte[]> fields(byte[] message, int field) {
    List<byte[]> found = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(message);
    while (b.hasRemaining()) {
      long key = varint(b);
      int number = (int) (key >>> 3);
      int wireType = (int) (key & 7);
      switch (wireType) {
        case 0 -> varint(b);
        case 1 -> b.position(b.position() + 8);
        case 5 -> b.position(b.position() + 4);
        case 2 -> {
          int length = (int) varint(b);
          byte[] value = new byte[length];
          b.get(value);
          if (number == field) {
            found.add(value);
          }
        }
        default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
      }
    }
    return found;
  }

  private static long varint(ByteBuffer b) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte next = b.get();
      result |= (long) (next & 0x7f) << shift;
      if ((next & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("varint longer than 64 bits");
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
