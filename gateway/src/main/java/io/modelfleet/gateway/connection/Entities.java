package io.modelfleet.gateway.connection;

import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** pekko-http's javadsl entities lack transformDataBytes; the scaladsl classes behind them have it. */
final class Entities {
  private Entities() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static RequestEntity transform(RequestEntity entity, Flow<ByteString, ByteString, ?> flow) {
    return ((org.apache.pekko.http.scaladsl.model.RequestEntity) entity)
        .transformDataBytes((org.apache.pekko.stream.scaladsl.Flow) flow.asScala());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static ResponseEntity transform(ResponseEntity entity, Flow<ByteString, ByteString, ?> flow) {
    return ((org.apache.pekko.http.scaladsl.model.ResponseEntity) entity)
        .transformDataBytes((org.apache.pekko.stream.scaladsl.Flow) flow.asScala());
  }
}
