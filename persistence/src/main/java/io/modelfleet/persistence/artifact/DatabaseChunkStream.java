package io.modelfleet.persistence.artifact;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads one artifact's chunks from the registry database in order, one chunk (one query) at a time,
 * so at most one chunk is in memory however large the artifact is.
 *
 * <p>It checks the shape the artifact row promises: every chunk {@code 0..chunks-1} present and
 * exactly {@code size} bytes in all. A missing chunk or a wrong length throws {@link
 * ArtifactCorruptException} at once (before more bytes reach the disk); bytes that are merely
 * different are caught by the digest check of {@link ArtifactStore#storeVerified}. Database
 * failures throw {@link ArtifactDatabaseException}. Not thread-safe; does not own the connection.
 */
final class DatabaseChunkStream extends InputStream {
  private final PreparedStatement select;
  private final String digest;
  private final long size;
  private final int chunks;
  private int nextSeq;
  private long received;
  private byte[] chunk = new byte[0];
  private int pos;

  DatabaseChunkStream(Connection c, String digest, long size, int chunks) throws SQLException {
    this.select =
        c.prepareStatement(
            "SELECT data FROM modelfleet_artifact_chunk WHERE digest = ? AND seq = ?");
    this.digest = digest;
    this.size = size;
    this.chunks = chunks;
  }

  @Override
  public int read() {
    if (!fill()) {
      return -1;
    }
    return chunk[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, chunk.length - pos);
    System.arraycopy(chunk, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Loads the next chunk when the current one is used up; false at the end of the artifact. */
  private boolean fill() {
    while (pos == chunk.length) {
      if (nextSeq == chunks) {
        if (received != size) {
          throw corrupt(
              "the "
                  + chunks
                  + " chunks hold "
                  + received
                  + " bytes, its artifact row says "
                  + size);
        }
        return false;
      }
      chunk = load(nextSeq);
      pos = 0;
      received += chunk.length;
      if (received > size) {
        throw corrupt(
            "chunks 0.."
                + nextSeq
                + " already hold "
                + received
                + " bytes, its artifact row says "
                + size);
      }
      nextSeq++;
    }
    return true;
  }

  private byte[] load(int seq) {
    try {
      select.setString(1, digest);
      select.setInt(2, seq);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw corrupt("chunk " + seq + " of " + chunks + " is missing");
        }
        return rs.getBytes(1);
      }
    } catch (SQLException e) {
      throw new ArtifactDatabaseException(
          "cannot read chunk " + seq + " of " + chunks + " of artifact " + digest, e);
    }
  }

  private ArtifactCorruptException corrupt(String why) {
    return new ArtifactCorruptException(why);
  }

  @Override
  public void close() {
    try {
      select.close();
    } catch (SQLException e) {
      throw new ArtifactDatabaseException("cannot close the chunk query for artifact " + digest, e);
    }
  }
}
