package io.modelfleet.ops.metrics;

import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.service.ModelUploads;
import io.modelfleet.protocol.service.UploadOutcome;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code modelfleet_upload_bytes_total} (by tenant: bytes received by uploads, whatever became of
 * them) and {@code modelfleet_uploads_total} (by outcome), counted by wrapping the node's {@link
 * ModelUploads}, through which every upload and Triton repository load that reaches the artifact
 * store passes. Uploads refused from their head (413, 429, 403) never reach it and are in {@code
 * modelfleet_http_requests_total} only.
 */
public final class UploadMetrics {

  /** Outcomes: stored (a new version), unchanged (the same bytes again), and the refusals. */
  static final String[] OUTCOMES = {
    "stored", "unchanged", "conflict", "too_large", "invalid", "failed"
  };

  private final Counter bytes;
  private final Counter uploads;

  public UploadMetrics(PrometheusRegistry registry) {
    bytes =
        Counter.builder()
            .name("modelfleet_upload_bytes_total")
            .help("Bytes of model files received by uploads on this node, by the caller's tenant")
            .labelNames("tenant")
            .withoutExemplars()
            .register(registry);
    uploads =
        Counter.builder()
            .name("modelfleet_uploads_total")
            .help(
                "Uploads that reached the artifact store on this node, by outcome (stored,"
                    + " unchanged, conflict, too_large, invalid, failed)")
            .labelNames("outcome")
            .withoutExemplars()
            .register(registry);
    for (String o : OUTCOMES) {
      uploads.labelValues(o);
    }
  }

  /** {@code inner}, counting what passes through it. */
  public ModelUploads counting(ModelUploads inner) {
    return new ModelUploads() {
      @Override
      public long maxUploadBytes() {
        return inner.maxUploadBytes();
      }

      @Override
      public CompletionStage<UploadOutcome> upload(
          String model, String version, Source<ByteString, ?> body, RequestMeta meta) {
        CounterDataPoint received = bytes.labelValues(meta.tenantOrDefault());
        Source<ByteString, ?> counted =
            body.map(
                chunk -> {
                  received.inc(chunk.size());
                  return chunk;
                });
        return inner
            .upload(model, version, counted, meta)
            .whenComplete((outcome, failure) -> uploads.labelValues(outcome(outcome)).inc());
      }
    };
  }

  /** The outcome label of an upload's result (null: it failed). */
  static String outcome(UploadOutcome o) {
    if (o instanceof UploadOutcome.Stored s) {
      return s.created() ? "stored" : "unchanged";
    }
    if (o instanceof UploadOutcome.Conflict) {
      return "conflict";
    }
    if (o instanceof UploadOutcome.TooLarge) {
      return "too_large";
    }
    if (o instanceof UploadOutcome.Invalid) {
      return "invalid";
    }
    return "failed";
  }
}
