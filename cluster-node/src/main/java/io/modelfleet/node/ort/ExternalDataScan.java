package io.modelfleet.node.ort;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds tensors whose data an ONNX file keeps outside itself ({@code TensorProto.data_location =
 * EXTERNAL} or {@code external_data} entries), before ONNX Runtime opens the file.
 *
 * <p>Why: ORT opens a model by path and reads external data from files relative to the model's
 * directory. Every stored model sits in {@code sha256/} next to every other model, so a model
 * naming {@code <hex>} or {@code ../sha256/<hex>} as its external data would read another model's
 * bytes. Uploads are single files, so no external data can belong to the upload: any is refused.
 *
 * <p>How: a minimal protobuf reader over the file, streaming, holding one nesting path in memory.
 * It follows only the fields that can lead to a tensor (the graph, nodes, attributes, subgraphs,
 * sparse tensors, functions, training graphs) and skips everything else by length, so large {@code
 * raw_data} blobs are skipped, not read: a 2 GiB model costs a few seeks. Field numbers are those
 * of onnx.proto (IR version 10).
 */
public final class ExternalDataScan {
  /** Nesting deeper than this (subgraphs within subgraphs) is refused rather than followed. */
  static final int MAX_DEPTH = 64;

  private enum Msg {
    MODEL,
    GRAPH,
    NODE,
    ATTRIBUTE,
    TENSOR,
    SPARSE_TENSOR,
    FUNCTION,
    TRAINING_INFO
  }

  private ExternalDataScan() {}

  /** A tensor with external data, if the file has one: its name and the location it names. */
  public record Finding(String tensor, String location) {}

  /** Scans {@code file}; throws {@link MalformedException} when it is not a readable protobuf. */
  public static Optional<Finding> scan(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return new Reader(in).message(Msg.MODEL, size, 0);
    }
  }

  /** The file is not a well-formed protobuf message. */
  public static final class MalformedException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  private static final class Reader {
    private final InputStream in;
    private long pos;

    Reader(InputStream in) {
      this.in = in;
    }

    /**
     * Reads one message of type {@code type} ending at {@code end}; returns the first finding in
     * it.
     */
    Optional<Finding> message(Msg type, long end, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw new MalformedException("the model nests graphs deeper than " + MAX_DEPTH + " levels");
      }
      String tensorName = null;
      boolean external = false;
      String location = null;
      Optional<Finding> found = Optional.empty();
      while (pos < end) {
        long key = varint();
        int field = (int) (key >>> 3);
        int wire = (int) (key & 7);
        if (field == 0) {
          throw new MalformedException("field number 0 at byte " + pos);
        }
        if (wire == 2) {
          long len = varint();
          long fieldEnd = pos + len;
          if (len < 0 || fieldEnd > end) {
            throw new MalformedException("a field runs past its message at byte " + pos);
          }
          Msg child = child(type, field);
          if (child != null) {
            Optional<Finding> f = message(child, fieldEnd, depth + 1);
            if (found.isEmpty()) {
              found = f;
            }
          } else if (type == Msg.TENSOR && field == 8 && len <= 4096) {
            tensorName = string(len);
          } else if (type == Msg.TENSOR && field == 13) {
            external = true;
            String entry = location(fieldEnd);
            location = location != null ? location : entry;
          } else {
            skip(len);
          }
          if (pos != fieldEnd) {
            throw new MalformedException("a nested message does not end where its length says");
          }
        } else if (wire == 0) {
          long value = varint();
          if (type == Msg.TENSOR && field == 14 && value == 1) {
            external = true; // data_location = EXTERNAL
          }
        } else if (wire == 1) {
          skip(8);
        } else if (wire == 5) {
          skip(4);
        } else {
          throw new MalformedException("unsupported wire type " + wire + " at byte " + pos);
        }
      }
      if (pos != end) {
        throw new MalformedException("a message does not end where its length says");
      }
      if (external && found.isEmpty()) {
        found =
            Optional.of(
                new Finding(
                    tensorName == null ? "" : tensorName, location == null ? "" : location));
      }
      return found;
    }

    /**
     * The message type of field {@code field} of a {@code type}, or null when it cannot hold a
     * tensor.
     */
    private static Msg child(Msg type, int field) {
      return switch (type) {
        case MODEL ->
            switch (field) {
              case 7 -> Msg.GRAPH;
              case 20 -> Msg.TRAINING_INFO;
              case 25 -> Msg.FUNCTION;
              default -> null;
            };
        case GRAPH ->
            switch (field) {
              case 1 -> Msg.NODE;
              case 5 -> Msg.TENSOR;
              case 15 -> Msg.SPARSE_TENSOR;
              default -> null;
            };
        case NODE -> field == 5 ? Msg.ATTRIBUTE : null;
        case ATTRIBUTE ->
            switch (field) {
              case 5, 10 -> Msg.TENSOR;
              case 6, 11 -> Msg.GRAPH;
              case 22, 23 -> Msg.SPARSE_TENSOR;
              default -> null;
            };
        case SPARSE_TENSOR -> field == 1 || field == 2 ? Msg.TENSOR : null;
        case FUNCTION ->
            switch (field) {
              case 7 -> Msg.NODE;
              case 11 -> Msg.ATTRIBUTE;
              default -> null;
            };
        case TRAINING_INFO -> field == 1 || field == 2 ? Msg.GRAPH : null;
        case TENSOR -> null;
      };
    }

    /**
     * A StringStringEntryProto (key 1, value 2) ending at {@code end}: its value when the key is
     * "location".
     */
    private String location(long end) throws IOException {
      String key = null;
      String value = null;
      while (pos < end) {
        long tag = varint();
        int wire = (int) (tag & 7);
        if (wire != 2) {
          throw new MalformedException("unexpected wire type " + wire + " in external_data");
        }
        long len = varint();
        if (len < 0 || pos + len > end || len > 4096) {
          throw new MalformedException("an external_data entry is too long");
        }
        String s = string(len);
        if ((tag >>> 3) == 1) {
          key = s;
        } else if ((tag >>> 3) == 2) {
          value = s;
        }
      }
      return "location".equals(key) ? value : null;
    }

    private long varint() throws IOException {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("the model file ends inside a field");
        }
        pos++;
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new MalformedException("a varint longer than 10 bytes");
    }

    private String string(long len) throws IOException {
      byte[] b = in.readNBytes((int) len);
      if (b.length != len) {
        throw new EOFException("the model file ends inside a string");
      }
      pos += len;
      return new String(b, StandardCharsets.UTF_8);
    }

    private void skip(long len) throws IOException {
      long left = len;
      while (left > 0) {
        long n = in.skip(left);
        if (n <= 0) {
          if (in.read() < 0) {
            throw new EOFException("the model file ends inside a field");
          }
          n = 1;
        }
        left -= n;
      }
      pos += len;
    }
  }
}
