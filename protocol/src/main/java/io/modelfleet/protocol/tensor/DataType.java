package io.modelfleet.protocol.tensor;

import java.util.Locale;

/**
 * Every tensor datatype of the Open Inference Protocol, with its element width in bytes.
 * BYTES has no fixed width: its elements are framed as a 4-byte little-endian length and the bytes.
 */
public enum DataType {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  BF16(2),
  FP32(4),
  FP64(8),
  BYTES(0);

  private final int byteSize;

  DataType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element, or 0 for BYTES (variable width). */
  public int byteSize() {
    return byteSize;
  }

  public boolean fixedWidth() {
    return byteSize > 0;
  }

  /** Parses an OIP datatype name ("FP32"); null when the name is not a datatype of the protocol. */
  public static DataType parse(String name) {
    if (name == null) {
      return null;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
