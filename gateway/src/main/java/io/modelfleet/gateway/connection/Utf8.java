package io.modelfleet.gateway.connection;

import org.apache.pekko.util.ByteString;

/**
 * Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), byte by
 * byte.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * The sequence starting with the non-ASCII byte at {@code i}: its length when well formed, 0 when
   * the input ends before that can be decided, or {@code -k} when its first {@code k} bytes form no
   * character (the byte after them starts afresh).
   */
  static int sequenceLength(ByteString in, int i) {
    int lead = in.apply(i) & 0xFF;
    int need;
    int lo = 0x80;
    int hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      need = 2;
      if (lead == 0xE0) {
        lo = 0xA0;
      } else if (lead == 0xED) {
        hi = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      need = 3;
      if (lead == 0xF0) {
        lo = 0x90;
      } else if (lead == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return -1;
    }
    for (int k = 1; k <= need; k++) {
      if (i + k >= in.length()) {
        return 0;
      }
      int c = in.apply(i + k) & 0xFF;
      boolean ok = k == 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xBF;
      if (!ok) {
        return -k;
      }
    }
    return need + 1;
  }
}
