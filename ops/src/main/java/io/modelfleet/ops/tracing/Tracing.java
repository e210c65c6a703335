package io.modelfleet.ops.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;

/**
 * Traces of inferences through OpenTelemetry's SDK: the gateway's server span (joining the client's
 * trace when it sent a W3C {@code traceparent}), and on the replica a {@code queue} span (arrival
 * to the start of its execution) and a {@code compute} span (the execution, with the batch it ran
 * in), both children of the gateway's span, exported in batches to an OTLP/HTTP endpoint.
 *
 * <p>Off by default ({@link #OFF}): then the gateway sends no traceparent to replicas, and neither
 * side does anything per request beyond one field check.
 */
public final class Tracing {

  /** Tracing off. */
  public static final Tracing OFF = new Tracing(null, null);

  static final AttributeKey<String> MODEL = AttributeKey.stringKey("modelfleet.model");
  static final AttributeKey<String> VERSION = AttributeKey.stringKey("modelfleet.version");
  static final AttributeKey<String> REPLICA = AttributeKey.stringKey("modelfleet.replica");
  static final AttributeKey<Long> BATCH_REQUESTS =
      AttributeKey.longKey("modelfleet.batch.requests");
  static final AttributeKey<Long> BATCH_ROWS = AttributeKey.longKey("modelfleet.batch.rows");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing(SdkTracerProvider provider, Tracer tracer) {
    this.provider = provider;
    this.tracer = tracer;
  }

  /** Tracing as the settings say: {@link #OFF} without an endpoint. */
  public static Tracing start(TracingSettings settings, String nodeAddress) {
    if (!settings.enabled()) {
      return OFF;
    }
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"),
                                settings.serviceName(),
                                AttributeKey.stringKey("service.instance.id"),
                                nodeAddress))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
            .addSpanProcessor(
                BatchSpanProcessor.builder(
                        OtlpHttpSpanExporter.builder().setEndpoint(settings.endpoint()).build())
                    .setScheduleDelay(settings.exportDelay())
                    .build())
            .build();
    return new Tracing(provider, provider.get("io.modelfleet"));
  }

  public boolean enabled() {
    return tracer != null;
  }

  /**
   * Starts the gateway's span of an inference. {@code incoming} is the client's traceparent (null
   * when it sent none: a new trace, sampled by the ratio).
   */
  public GatewaySpan gatewaySpan(String name, String incoming, String model) {
    if (tracer == null) {
      return GatewaySpan.NONE;
    }
    SpanContext remote = Traceparent.parse(incoming);
    Context parent = remote == null ? Context.root() : Context.root().with(Span.wrap(remote));
    Span span =
        tracer
            .spanBuilder(name)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(MODEL, model)
            .startSpan();
    String next = Traceparent.of(span.getSpanContext());
    return new GatewaySpan() {
      @Override
      public String traceparent() {
        return next;
      }

      @Override
      public void end(int status) {
        span.setAttribute(STATUS, (long) status);
        if (status >= 500) {
          span.setStatus(StatusCode.ERROR);
        }
        span.end();
      }
    };
  }

  /**
   * Records the replica's spans of one request, after the fact: queued from {@code arrivalEpochNs}
   * to {@code startEpochNs}, computed from then to {@code endEpochNs}, under the gateway span that
   * {@code traceparent} names. Nothing when off or when that span was not sampled.
   */
  public void replicaSpans(
      String traceparent,
      String model,
      String version,
      String replica,
      long arrivalEpochNs,
      long startEpochNs,
      long endEpochNs,
      int batchRequests,
      int batchRows,
      boolean ok) {
    if (tracer == null) {
      return;
    }
    SpanContext remote = Traceparent.parse(traceparent);
    if (remote == null || !remote.isSampled()) {
      return;
    }
    Context parent = Context.root().with(Span.wrap(remote));
    Span queue =
        tracer
            .spanBuilder("queue")
            .setParent(parent)
            .setStartTimestamp(arrivalEpochNs, TimeUnit.NANOSECONDS)
            .setAttribute(MODEL, model)
            .setAttribute(VERSION, version)
            .setAttribute(REPLICA, replica)
            .startSpan();
    queue.end(startEpochNs, TimeUnit.NANOSECONDS);
    Span compute =
        tracer
            .spanBuilder("compute")
            .setParent(parent)
            .setStartTimestamp(startEpochNs, TimeUnit.NANOSECONDS)
            .setAttribute(MODEL, model)
            .setAttribute(VERSION, version)
            .setAttribute(REPLICA, replica)
            .setAttribute(BATCH_REQUESTS, (long) batchRequests)
            .setAttribute(BATCH_ROWS, (long) batchRows)
            .startSpan();
    if (!ok) {
      compute.setStatus(StatusCode.ERROR);
    }
    compute.end(endEpochNs, TimeUnit.NANOSECONDS);
  }

  /** Sends what is buffered and stops (the node is stopping). */
  public void close() {
    if (provider != null) {
      provider.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
