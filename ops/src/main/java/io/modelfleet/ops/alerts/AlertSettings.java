package io.modelfleet.ops.alerts;

import com.typesafe.config.Config;
import io.modelfleet.ops.alerts.drift.DriftSettings;
import io.modelfleet.ops.alerts.notify.NotifySettings;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code modelfleet.ops.alerts}: the built-in rules, each with its thresholds, {@code for} and
 * severity, per-model overrides, and where notifications go. See the commented reference.conf of
 * the ops module for every key's meaning and default.
 */
public record AlertSettings(
    boolean enabled,
    Duration interval,
    String clusterLabel,
    String externalUrl,
    Rule latency,
    Duration latencyObjective,
    long latencyMinRequests,
    Rule errors,
    double errorRatio,
    long errorMinRequests,
    Rule queue,
    double queueRatio,
    int queueAbsoluteLimit,
    Duration deploymentRefresh,
    Rule replicas,
    Rule unreachable,
    Duration lostRetention,
    Rule gpuMemory,
    double gpuRatio,
    DriftSettings drift,
    Map<String, ModelOverrides> models,
    NotifySettings notifications) {

  public AlertSettings {
    models = Map.copyOf(models);
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("modelfleet.ops.alerts.interval must be positive");
    }
    fraction("errors.ratio", errorRatio);
    fraction("queue.ratio", queueRatio);
    fraction("gpu-memory.ratio", gpuRatio);
  }

  public static AlertSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.ops.alerts");
    Config latency = c.getConfig("latency");
    Config errors = c.getConfig("errors");
    Config queue = c.getConfig("queue");
    Config unreachable = c.getConfig("unreachable");
    Config gpu = c.getConfig("gpu-memory");
    Map<String, ModelOverrides> models = new TreeMap<>();
    Config perModel = c.getConfig("models");
    for (String name : perModel.root().keySet()) {
      models.put(name, ModelOverrides.of(perModel.getConfig("\"" + name + "\"")));
    }
    return new AlertSettings(
        c.getBoolean("enabled"),
        c.getDuration("interval"),
        c.getString("cluster-label"),
        c.getString("external-url"),
        Rule.of(latency, "for"),
        latency.getDuration("objective"),
        latency.getLong("min-requests"),
        Rule.of(errors, "for"),
        errors.getDouble("ratio"),
        errors.getLong("min-requests"),
        Rule.of(queue, "for"),
        queue.getDouble("ratio"),
        queue.getInt("absolute-limit"),
        queue.getDuration("deployment-refresh"),
        Rule.of(c.getConfig("replicas"), "grace"),
        Rule.of(unreachable, "for"),
        unreachable.getDuration("lost-retention"),
        Rule.of(gpu, "for"),
        gpu.getDouble("ratio"),
        DriftSettings.of(c.getConfig("drift")),
        models,
        NotifySettings.of(c));
  }

  /** The model's overrides, or {@link ModelOverrides#NONE}. */
  public ModelOverrides overrides(String model) {
    return models.getOrDefault(model, ModelOverrides.NONE);
  }

  public Duration latencyObjective(String model) {
    Duration own = overrides(model).latencyObjective();
    return own != null ? own : latencyObjective;
  }

  public double errorRatio(String model) {
    Double own = overrides(model).errorRatio();
    return own != null ? own : errorRatio;
  }

  public double driftThreshold(String model) {
    Double own = overrides(model).driftThreshold();
    return own != null ? own : drift.threshold();
  }

  /**
   * Whether the outputs of {@code model} are sampled: alerts and the drift rule on, and the model
   * chosen (its own {@code drift} setting, else listed in {@code drift.models}, or that list
   * empty).
   */
  public boolean samplesDrift(String model) {
    if (!enabled || !drift.rule().enabled()) {
      return false;
    }
    Boolean own = overrides(model).drift();
    if (own != null) {
      return own;
    }
    return drift.models().isEmpty() || drift.models().contains(model);
  }

  private static void fraction(String key, double v) {
    if (!(v > 0 && v <= 1)) {
      throw new IllegalArgumentException(
          "modelfleet.ops.alerts." + key + " must be a fraction in (0, 1], got " + v);
    }
  }
}
