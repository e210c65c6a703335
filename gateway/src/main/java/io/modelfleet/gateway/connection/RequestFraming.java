package io.modelfleet.gateway.connection;

import java.util.Arrays;
import java.util.Locale;
import org.apache.pekko.util.ByteString;

/**
 * Follows the request bytes of one HTTP/1.1 connection far enough to know where each request's head
 * (request line and header fields) begins and ends, so that {@link HeadGuard} can time heads and
 * clean them before pekko-http's parser sees them. Bodies are skipped by their framing ({@code
 * Content-Length}, or {@code Transfer-Encoding: chunked} with its trailer), so pipelined requests
 * are followed too. Pure: no clock, no streams; {@link #feed} takes bytes and returns the bytes to
 * pass on.
 *
 * <p>Cleaning: inside a head (and a chunked trailer, which pekko-http parses the same way) every
 * byte that is not part of well-formed UTF-8 becomes {@code 0xFF}. pekko-http 1.3 decodes UTF-8 in
 * header values by the lead byte alone: a stray lead byte such as Latin-1 {@code é} (0xE9) at the
 * end of the last header swallows the CR LF after it, and the parser then waits for the end of a
 * head it has already consumed, so the client got no answer at all. {@code 0xFF} is a byte that
 * parser always refuses, with a 400 that our parsing-error handler writes as JSON. Well-formed
 * UTF-8 passes unchanged. A sequence cut by a chunk boundary is held back (at most three bytes)
 * until the next chunk decides it.
 *
 * <p>States: {@code HEAD} (reading a head; the first request starts here, at connection open) →
 * {@code BODY_LENGTH} / {@code CHUNK_SIZE} ⇄ {@code CHUNK_DATA} → {@code CHUNK_TRAILER} → {@code
 * IDLE} (waiting for the first byte of the next head; empty lines there are skipped, as RFC 9112
 * allows) → {@code HEAD}. When a head's framing cannot be known (conflicting or unparsable {@code
 * Content-Length}, a transfer coding other than chunked, an overlong line), the state is {@code
 * UNKNOWN} for good and bytes pass untouched: pekko-http refuses such a request with 400 and closes
 * the connection, so nothing that follows is ever read as a request. The gateway serves no protocol
 * upgrade (WebSocket, h2c); one added later must stop this class at the switch.
 */
public final class RequestFraming {

  /** Where the connection is in its request stream. */
  public enum Phase {
    HEAD,
    BODY_LENGTH,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    CHUNK_TRAILER,
    IDLE,
    UNKNOWN
  }

  /** Longer head lines are refused by pekko-http itself (URIs 2k, header values 8k by default). */
  static final int MAX_LINE = 16 * 1024;

  private static final int MAX_CHUNK_SIZE_LINE = 1024;
  static final byte INVALID = (byte) 0xFF;

  private Phase phase = Phase.HEAD;
  private long headsStarted = 1;
  private long remaining;

  /** The current line of a head, chunk-size line or trailer, for framing headers only. */
  private final StringBuilder line = new StringBuilder();

  private boolean lineOverflow;
  private int lineLength;
  private boolean keepLine;
  private boolean lastCr;
  private int headLines;
  private String lastHeaderName;
  private long contentLength = -1;
  private boolean conflictingLength;
  private StringBuilder transferEncoding;

  /** Bytes of an unfinished UTF-8 sequence at the end of the previous chunk. */
  private ByteString carry = ByteString.emptyByteString();

  /** Positions, in the current chunk, of bytes to replace by {@link #INVALID}. */
  private int[] invalid = new int[8];

  private int invalidCount;

  public Phase phase() {
    return phase;
  }

  /**
   * How many heads have begun on this connection; a change tells that a new head's clock starts.
   */
  public long headsStarted() {
    return headsStarted;
  }

  /** True while the connection is inside a head: the time the head may take is running. */
  public boolean inHead() {
    return phase == Phase.HEAD;
  }

  /** Takes the next bytes from the network; returns what to pass to the HTTP parser. */
  public ByteString feed(ByteString chunk) {
    ByteString in = carry.isEmpty() ? chunk : carry.concat(chunk);
    carry = ByteString.emptyByteString();
    invalidCount = 0;
    int i = 0;
    int n = in.length();
    int end = n;
    while (i < n) {
      switch (phase) {
        case UNKNOWN -> i = n;
        case BODY_LENGTH -> {
          long take = Math.min(remaining, n - i);
          i += (int) take;
          remaining -= take;
          if (remaining == 0) {
            phase = Phase.IDLE;
          }
        }
        case CHUNK_DATA -> {
          long take = Math.min(remaining, n - i);
          i += (int) take;
          remaining -= take;
          if (remaining == 0) {
            phase = Phase.CHUNK_DATA_END;
            remaining = 2;
          }
        }
        case CHUNK_DATA_END -> {
          byte b = in.apply(i++);
          if (b == '\n') {
            phase = Phase.CHUNK_SIZE;
          } else if (b != '\r' || --remaining == 0) {
            phase = Phase.UNKNOWN;
          }
        }
        case CHUNK_SIZE -> {
          byte b = in.apply(i++);
          if (b == '\n') {
            chunkSizeLine();
          } else if (line.length() < MAX_CHUNK_SIZE_LINE) {
            line.append((char) (b & 0xFF));
          } else {
            phase = Phase.UNKNOWN;
          }
        }
        case IDLE -> {
          byte b = in.apply(i);
          if (b == '\r' || b == '\n') {
            i++;
          } else {
            startHead();
          }
        }
        case HEAD, CHUNK_TRAILER -> {
          int next = scanText(in, i);
          if (next < 0) {
            // The chunk ends inside a UTF-8 sequence: hold it back.
            end = -next - 1;
            carry = in.slice(end, n);
            i = n;
          } else {
            i = next;
          }
        }
        default -> throw new IllegalStateException("unexpected phase " + phase);
      }
    }
    if (invalidCount == 0) {
      // The usual case: nothing to clean, no copy.
      return end == n ? in : in.slice(0, end);
    }
    byte[] cleaned = in.slice(0, end).toArray();
    for (int k = 0; k < invalidCount; k++) {
      cleaned[invalid[k]] = INVALID;
    }
    return ByteString.fromArrayUnsafe(cleaned);
  }

  /** Whatever was held back, cleaned, when the stream ends. */
  public ByteString flush() {
    if (carry.isEmpty()) {
      return carry;
    }
    byte[] b = carry.toArray();
    Arrays.fill(b, INVALID);
    carry = ByteString.emptyByteString();
    return ByteString.fromArray(b);
  }

  private void startHead() {
    phase = Phase.HEAD;
    headsStarted++;
    headLines = 0;
    contentLength = -1;
    conflictingLength = false;
    transferEncoding = null;
    lastHeaderName = null;
    resetLine();
  }

  private void resetLine() {
    line.setLength(0);
    lineOverflow = false;
    lineLength = 0;
    keepLine = false;
    lastCr = false;
  }

  /**
   * Reads text bytes from {@code from} until the phase leaves the text region or the input ends,
   * noting the positions of bytes that are not well-formed UTF-8. Returns the index after the last
   * byte consumed, or {@code -(start + 1)} when the input ends inside a UTF-8 sequence beginning at
   * {@code start}.
   */
  private int scanText(ByteString in, int from) {
    int n = in.length();
    int i = from;
    while (i < n && (phase == Phase.HEAD || phase == Phase.CHUNK_TRAILER)) {
      int b = in.apply(i) & 0xFF;
      if (b < 0x80) {
        i++;
        textByte(b);
        continue;
      }
      int len = Utf8.sequenceLength(in, i);
      if (len == 0) {
        return -(i + 1);
      }
      if (len < 0) {
        // -len bytes that do not form a character.
        for (int k = 0; k < -len; k++) {
          markInvalid(i + k);
          textByte(0xFF);
        }
        i += -len;
      } else {
        for (int k = 0; k < len; k++) {
          textByte(in.apply(i + k) & 0xFF);
        }
        i += len;
      }
    }
    return i;
  }

  private void markInvalid(int position) {
    if (invalidCount == invalid.length) {
      invalid = Arrays.copyOf(invalid, invalid.length * 2);
    }
    invalid[invalidCount++] = position;
  }

  private void textByte(int b) {
    if (b == '\n') {
      boolean empty = lineLength == 0 || (lineLength == 1 && lastCr);
      int len = line.length();
      if (len > 0 && line.charAt(len - 1) == '\r') {
        line.setLength(len - 1);
      }
      if (phase == Phase.HEAD) {
        headLine(empty);
      } else if (empty) {
        phase = Phase.IDLE; // the end of a chunked body's trailer
      }
      resetLine();
      return;
    }
    if (lineLength == 0) {
      // Only a header that may be Content-Length or Transfer-Encoding, or a folded line, needs
      // its text; other lines are only counted.
      keepLine =
          phase == Phase.HEAD
              && headLines >= 1
              && (b == 'c' || b == 'C' || b == 't' || b == 'T' || b == ' ' || b == '\t');
    }
    lineLength++;
    lastCr = b == '\r';
    if (lineLength > MAX_LINE) {
      lineOverflow = true;
    } else if (keepLine) {
      line.append((char) b);
    }
  }

  private void headLine(boolean empty) {
    if (empty) {
      if (headLines == 0) {
        return; // an empty line before the request line
      }
      headComplete();
      return;
    }
    headLines++;
    if (lineOverflow) {
      phase = Phase.UNKNOWN;
      return;
    }
    if (headLines == 1 || !keepLine) {
      lastHeaderName = null;
      return; // the request line, or a header the framing does not depend on
    }
    char first = line.charAt(0);
    if (first == ' ' || first == '\t') {
      // obs-fold: continues the previous field's value
      if ("transfer-encoding".equals(lastHeaderName)) {
        transferEncoding.append(' ').append(line.toString().trim());
      } else if ("content-length".equals(lastHeaderName)) {
        conflictingLength = true;
      }
      return;
    }
    int colon = line.indexOf(":");
    if (colon <= 0) {
      lastHeaderName = null;
      return; // pekko-http refuses it; the framing does not matter any more
    }
    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = line.substring(colon + 1).trim();
    lastHeaderName = name;
    if (name.equals("content-length")) {
      long v = parseLength(value);
      if (v < 0 || (contentLength >= 0 && contentLength != v)) {
        conflictingLength = true;
      }
      contentLength = v;
    } else if (name.equals("transfer-encoding")) {
      if (transferEncoding == null) {
        transferEncoding = new StringBuilder(value);
      } else {
        transferEncoding.append(',').append(value);
      }
    }
  }

  private void headComplete() {
    if (conflictingLength || (transferEncoding != null && contentLength >= 0)) {
      phase = Phase.UNKNOWN;
    } else if (transferEncoding != null) {
      String[] codings = transferEncoding.toString().split(",");
      String last = codings[codings.length - 1].trim().toLowerCase(Locale.ROOT);
      if (last.equals("chunked")) {
        phase = Phase.CHUNK_SIZE;
        resetLine();
      } else {
        phase = Phase.UNKNOWN;
      }
    } else if (contentLength > 0) {
      phase = Phase.BODY_LENGTH;
      remaining = contentLength;
    } else {
      phase = Phase.IDLE;
    }
  }

  private void chunkSizeLine() {
    int len = line.length();
    if (len > 0 && line.charAt(len - 1) == '\r') {
      line.setLength(len - 1);
    }
    int semi = line.indexOf(";");
    String hex = (semi >= 0 ? line.substring(0, semi) : line.toString()).trim();
    resetLine();
    long size = -1;
    if (!hex.isEmpty() && hex.length() <= 15) {
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        size = -1;
      }
    }
    if (size < 0) {
      phase = Phase.UNKNOWN;
    } else if (size == 0) {
      phase = Phase.CHUNK_TRAILER;
    } else {
      phase = Phase.CHUNK_DATA;
      remaining = size;
    }
  }

  private static long parseLength(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }
}
