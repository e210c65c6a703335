package io.modelfleet.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;

/** Binary bodies built and taken apart by hand, as a Triton client would. */
final class BinaryBodies {

  private BinaryBodies() {}

  /** The JSON followed by the sections; its header value is the JSON's UTF-8 length. */
  record Body(String header, ByteString bytes) {}

  static Body body(String json, byte[]... sections) {
    byte[] head = json.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head);
    for (byte[] s : sections) {
      out.writeBytes(s);
    }
    return new Body(Integer.toString(head.length), ByteString.fromArray(out.toByteArray()));
  }

  /** A response split at its Inference-Header-Content-Length. */
  record Split(JsonNode json, ByteString binary) {}

  static Split split(HttpResponse response) {
    assertEquals("application/octet-stream", response.entity().getContentType().toString());
    int length = Integer.parseInt(response.getHeader(BinaryRequest.HEADER).orElseThrow().value());
    ByteString body = ((HttpEntity.Strict) response.entity()).getData();
    assertTrue(length <= body.length());
    return new Split(Json.parse(body.take(length)), body.drop(length));
  }

  /** Four bytes little-endian: the length prefix of a BYTES element. */
  static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * A tensor of shape [2,2] (BYTES: [4]) with edge values of {@code type}, in its wire encoding.
   */
  static Tensor sample(String name, DataType type) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case BOOL -> b.put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 1);
      case UINT8 -> b.put((byte) 0).put((byte) 255).put((byte) 7).put((byte) 128);
      case INT8 -> b.put((byte) -128).put((byte) 127).put((byte) -1).put((byte) 0);
      case UINT16 ->
          b.putShort((short) 0xffff)
              .putShort((short) 0)
              .putShort((short) 0x8000)
              .putShort((short) 9);
      case INT16 ->
          b.putShort(Short.MIN_VALUE)
              .putShort(Short.MAX_VALUE)
              .putShort((short) -2)
              .putShort((short) 3);
      case UINT32 -> b.putInt(-1).putInt(0).putInt(Integer.MIN_VALUE).putInt(12345);
      case INT32 -> b.putInt(Integer.MIN_VALUE).putInt(Integer.MAX_VALUE).putInt(-7).putInt(0);
      case UINT64 -> b.putLong(-1L).putLong(0).putLong(Long.MIN_VALUE).putLong(42);
      case INT64 -> b.putLong(Long.MIN_VALUE).putLong(Long.MAX_VALUE).putLong(-3).putLong(1L << 40);
      case FP16 ->
          b.putShort(Half.toFp16(65504f))
              .putShort(Half.toFp16(-0.5f))
              .putShort(Half.toFp16(5.9604645e-8f))
              .putShort(Half.toFp16(Float.NaN));
      case BF16 ->
          b.putShort(Half.toBf16(1.5f))
              .putShort(Half.toBf16(-3.0e38f))
              .putShort(Half.toBf16(1e-40f))
              .putShort(Half.toBf16(Float.NEGATIVE_INFINITY));
      case FP32 ->
          b.putFloat(Float.MAX_VALUE).putFloat(-0f).putFloat(Float.MIN_VALUE).putFloat(0.1f);
      case FP64 ->
          b.putDouble(Double.MAX_VALUE).putDouble(-0d).putDouble(Double.MIN_VALUE).putDouble(0.1);
      case BYTES -> {
        // An empty element, UTF-8, and bytes that are not UTF-8: binary keeps them all exact.
        byte[] text = "héllo".getBytes(StandardCharsets.UTF_8);
        byte[] raw = {(byte) 0xff, 0, (byte) 0xfe};
        byte[] data =
            concat(
                le32(0), le32(text.length), text, le32(raw.length), raw, le32(1), new byte[] {'x'});
        return new Tensor(name, type, new long[] {4}, data);
      }
    }
    byte[] data = new byte[b.position()];
    b.flip().get(data);
    return new Tensor(name, type, new long[] {2, 2}, data);
  }

  static String shapeJson(Tensor t) {
    return Tensor.shapeText(t.shape());
  }
}
