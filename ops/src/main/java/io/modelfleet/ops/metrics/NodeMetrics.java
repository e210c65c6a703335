package io.modelfleet.ops.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * This node's Prometheus metrics: its own registries (never the client's global default, so that
 * several nodes in one JVM keep theirs apart), the families the node's parts report to, and the
 * scrape in the Prometheus text format (0.0.4), written by the client's {@link
 * PrometheusTextFormatWriter}. Installed into {@link io.modelfleet.ops.Ops} by {@link
 * MetricsInstaller} when metrics are on; whoever reports finds it there, and finds nothing (and
 * reports nothing) when they are off.
 *
 * <p>Triton's families live in a registry of their own, written first, so that their counters can
 * be given back their Triton names ({@link TritonCounterNames}); everything else is written as the
 * client writes it.
 */
public final class NodeMetrics {

  /** The content type of {@link #scrape()}: the Prometheus text format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final MetricsSettings settings;
  private final PrometheusRegistry triton = new PrometheusRegistry();
  private final PrometheusRegistry fleet = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final TritonCounterNames names =
      new TritonCounterNames(new HashSet<>(InferenceMetrics.TRITON_COUNTERS));
  private final InferenceMetrics inference;
  private final HttpMetrics http;
  private final PlacementMetrics placement;
  private final RegistryEventMetrics registryEvents;
  private final UploadMetrics uploads;

  public NodeMetrics(MetricsSettings settings) {
    this.settings = settings;
    this.inference = new InferenceMetrics(triton, fleet, settings);
    this.http = new HttpMetrics(fleet, settings);
    this.placement = new PlacementMetrics(fleet);
    this.registryEvents = new RegistryEventMetrics(fleet);
    this.uploads = new UploadMetrics(fleet);
  }

  public MetricsSettings settings() {
    return settings;
  }

  /** The replicas' observer factory ({@code nv_inference_*} and the inference histograms). */
  public InferenceMetrics inference() {
    return inference;
  }

  /** The gateway's HTTP observer. */
  public HttpMetrics http() {
    return http;
  }

  /** What the deployment controller reports. */
  public PlacementMetrics placement() {
    return placement;
  }

  /** What the deployment controller counts of the registry's journal. */
  public RegistryEventMetrics registryEvents() {
    return registryEvents;
  }

  /** Wraps the node's upload service. */
  public UploadMetrics uploads() {
    return uploads;
  }

  /**
   * Adds Triton's GPU gauges, read from {@code gpus} at every scrape. Only for a node with GPUs.
   */
  public void gpus(Supplier<List<GpuSample>> gpus) {
    triton.register(new GpuMetrics(gpus));
  }

  /**
   * Adds a family of another component, read at every scrape (for example the alerts' {@code
   * modelfleet_alerts_firing}); its names must not clash with the families here.
   */
  public void register(MultiCollector collector) {
    fleet.register(collector);
  }

  /** Adds a family of Triton's (the CPU gauges). */
  void registerTriton(MultiCollector collector) {
    triton.register(collector);
  }

  /** The registry of ModelFleet's own families (and the JVM's). */
  PrometheusRegistry fleet() {
    return fleet;
  }

  /**
   * Every metric now, in the Prometheus text format (UTF-8). Reads gauges; may take milliseconds.
   */
  public byte[] scrape() {
    try {
      ByteArrayOutputStream tritonText = new ByteArrayOutputStream(8192);
      writer.write(tritonText, triton.scrape());
      ByteArrayOutputStream out = new ByteArrayOutputStream(32768);
      out.write(
          names
              .restore(tritonText.toString(StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8));
      writer.write(out, fleet.scrape());
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
