package io.modelfleet.gateway.connection;

import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.scaladsl.model.HttpEntity;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * pekko-http's javadsl entities lack transformDataBytes; the scaladsl classes behind them have it.
 *
 * <p>The flows given here pass every byte on unchanged (they only watch), so an entity with a known
 * length keeps it. The plain transformDataBytes would turn it into a chunked entity without a
 * Content-Length, and routes decide from that length before reading a byte (the upload's 413, the
 * memory budget's admission).
 */
final class Entities {
  private Entities() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static RequestEntity transform(RequestEntity entity, Flow<ByteString, ByteString, ?> flow) {
    org.apache.pekko.stream.scaladsl.Flow f =
        (org.apache.pekko.stream.scaladsl.Flow) flow.asScala();
    if (entity instanceof HttpEntity.Default d) {
      return d.transformDataBytes(d.contentLength(), f);
    }
    return ((org.apache.pekko.http.scaladsl.model.RequestEntity) entity).transformDataBytes(f);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static ResponseEntity transform(ResponseEntity entity, Flow<ByteString, ByteString, ?> flow) {
    org.apache.pekko.stream.scaladsl.Flow f =
        (org.apache.pekko.stream.scaladsl.Flow) flow.asScala();
    if (entity instanceof HttpEntity.Default d) {
      return d.transformDataBytes(d.contentLength(), f);
    }
    return ((org.apache.pekko.http.scaladsl.model.ResponseEntity) entity).transformDataBytes(f);
  }
}
