package io.modelfleet.protocol.service;

import io.modelfleet.protocol.model.RequestMeta;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Stores an uploaded ONNX file and registers it as a version. Implemented where the artifact store
 * and ONNX Runtime live (cluster-node) and handed to the gateway, which must not depend on either.
 * The body is streamed: an implementation never holds the whole file in memory.
 */
public interface ModelUploads {

  /**
   * The largest model file an upload may carry, in bytes. A gateway answers 413 from the request's
   * Content-Length alone when it is larger, before reading the body. Unbounded unless the
   * implementation says otherwise.
   */
  default long maxUploadBytes() {
    return Long.MAX_VALUE;
  }

  CompletionStage<UploadOutcome> upload(
      String model, String version, Source<ByteString, ?> body, RequestMeta meta);
}
