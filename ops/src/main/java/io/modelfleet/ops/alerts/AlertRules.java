package io.modelfleet.ops.alerts;

import io.modelfleet.ops.alerts.Condition.Scope;
import io.modelfleet.ops.alerts.drift.DriftReading;
import io.modelfleet.ops.window.WindowSnapshot;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in rules: one round's {@link Readings} in, one {@link Condition} per rule and subject
 * out, broken or not (a reading that holds lets the {@link Evaluator} resolve with its numbers).
 * Pure. The same conditions ship as Prometheus rules in {@code deploy/prometheus/}.
 */
public final class AlertRules {
  public static final String LATENCY = "ModelFleetModelLatencyHigh";
  public static final String ERRORS = "ModelFleetModelErrorRatioHigh";
  public static final String QUEUE = "ModelFleetModelQueueNearFull";
  public static final String DRIFT = "ModelFleetModelOutputDrift";
  public static final String GPU_MEMORY = "ModelFleetGpuMemoryNearFull";
  public static final String REPLICA = "ModelFleetReplicaNotReady";
  public static final String UNREACHABLE = "ModelFleetNodeUnreachable";

  private final AlertSettings s;

  public AlertRules(AlertSettings settings) {
    this.s = settings;
  }

  public List<Condition> conditions(Readings r) {
    List<Condition> out = new ArrayList<>();
    for (WindowSnapshot w : r.windows()) {
      if (s.latency().enabled()) {
        out.add(latency(r.node(), w));
      }
      if (s.errors().enabled()) {
        out.add(errors(r.node(), w));
      }
    }
    if (s.queue().enabled()) {
      for (QueueReading q : r.queues()) {
        if (q.limit() > 0) {
          out.add(queue(r.node(), q));
        }
      }
    }
    if (s.drift().rule().enabled()) {
      for (DriftReading d : r.drift()) {
        out.add(drift(r.node(), d));
      }
    }
    if (s.gpuMemory().enabled()) {
      for (DeviceInfo d : r.devices()) {
        if ("gpu".equals(d.kind()) && d.memoryTotalBytes() > 0) {
          out.add(gpu(r.node(), d));
        }
      }
    }
    if (r.clusterRules()) {
      if (s.replicas().enabled()) {
        for (ReplicaInfo info : r.replicas()) {
          out.add(replica(info));
        }
      }
      if (s.unreachable().enabled()) {
        for (MemberProblem m : r.members()) {
          out.add(member(m));
        }
      }
    }
    return out;
  }

  private Condition latency(String node, WindowSnapshot w) {
    double objective = seconds(s.latencyObjective(w.model()).toNanos());
    double p99 = seconds(w.p99Nanos());
    boolean enough = w.requests() >= s.latencyMinRequests();
    String reason =
        String.format(
            Locale.ROOT,
            "p99 %s s over the last %d s (%d requests) against the objective %s s%s",
            num(p99),
            w.window().toSeconds(),
            w.requests(),
            num(objective),
            enough
                ? ""
                : "; too few requests to judge (min-requests " + s.latencyMinRequests() + ")");
    return Condition.of(
        LATENCY,
        Scope.NODE,
        s.latency(),
        modelLabels(w.model(), w.version(), node),
        enough && p99 > objective,
        p99,
        "Model " + w.model() + " version " + w.version() + " p99 latency above its objective",
        reason);
  }

  private Condition errors(String node, WindowSnapshot w) {
    double limit = s.errorRatio(w.model());
    boolean enough = w.requests() >= s.errorMinRequests();
    double ratio = w.errorRatio();
    String reason =
        String.format(
            Locale.ROOT,
            "%d of %d requests failed over the last %d s (ratio %s) against the threshold %s%s",
            w.failures(),
            w.requests(),
            w.window().toSeconds(),
            num(ratio),
            num(limit),
            enough
                ? ""
                : "; too few requests to judge (min-requests " + s.errorMinRequests() + ")");
    return Condition.of(
        ERRORS,
        Scope.NODE,
        s.errors(),
        modelLabels(w.model(), w.version(), node),
        enough && ratio > limit,
        ratio,
        "Model " + w.model() + " version " + w.version() + " error ratio above its threshold",
        reason);
  }

  private Condition queue(String node, QueueReading q) {
    double fill = (double) q.peakPending() / q.limit();
    String reason =
        String.format(
            Locale.ROOT,
            "up to %d requests pending on one replica against the limit %d (%s of it; near at %s)",
            q.peakPending(),
            q.limit(),
            num(fill),
            num(s.queueRatio()));
    return Condition.of(
        QUEUE,
        Scope.NODE,
        s.queue(),
        modelLabels(q.model(), q.version(), node),
        fill >= s.queueRatio(),
        fill,
        "Model " + q.model() + " version " + q.version() + " queue near its limit",
        reason);
  }

  private Condition drift(String node, DriftReading d) {
    double threshold = s.driftThreshold(d.model());
    Map<String, String> labels = modelLabels(d.model(), d.version(), node);
    labels.put("output", d.output());
    String reason =
        String.format(
            Locale.ROOT,
            "PSI %s over %d bins (threshold %s); window: %d values, mean %s, std %s;"
                + " reference: %d values, mean %s, std %s",
            num(d.psi()),
            d.bins(),
            num(threshold),
            d.windowValues(),
            num(d.windowMean()),
            num(d.windowStd()),
            d.referenceValues(),
            num(d.referenceMean()),
            num(d.referenceStd()));
    return Condition.of(
        DRIFT,
        Scope.NODE,
        s.drift().rule(),
        labels,
        d.psi() > threshold,
        d.psi(),
        "Model " + d.model() + " version " + d.version() + " output " + d.output() + " drifted",
        reason);
  }

  private Condition gpu(String node, DeviceInfo d) {
    long used = d.memoryTotalBytes() - d.memoryFreeBytes();
    double ratio = (double) used / d.memoryTotalBytes();
    Map<String, String> labels = base();
    labels.put("node", node);
    labels.put("device", d.id());
    if (d.uuid() != null) {
      labels.put("gpu_uuid", d.uuid());
    }
    String reason =
        String.format(
            Locale.ROOT,
            "%d of %d bytes used (%s; threshold %s)%s",
            used,
            d.memoryTotalBytes(),
            num(ratio),
            num(s.gpuRatio()),
            d.simulated()
                ? "; a simulated GPU: its use is the footprint of the replicas on it"
                : "");
    return Condition.of(
        GPU_MEMORY,
        Scope.NODE,
        s.gpuMemory(),
        labels,
        ratio >= s.gpuRatio(),
        ratio,
        "GPU " + d.id() + " memory near full",
        reason);
  }

  private Condition replica(ReplicaInfo info) {
    boolean stuck =
        info.state() == ReplicaState.PENDING
            || info.state() == ReplicaState.FAILED
            || (info.state() == ReplicaState.LOADING && info.reason() != null);
    Map<String, String> labels = base();
    labels.put("model", info.model());
    labels.put("version", info.version());
    labels.put("replica", info.replicaId());
    String reason =
        "replica "
            + info.replicaId()
            + " is "
            + info.state()
            + (info.node() == null ? "" : " on " + info.node())
            + (info.reason() == null ? "" : ": " + info.reason())
            + " (grace "
            + s.replicas().forDuration().toSeconds()
            + " s)";
    return Condition.of(
        REPLICA,
        Scope.CLUSTER,
        s.replicas(),
        labels,
        stuck,
        stuck ? 1 : 0,
        "Replica " + info.replicaId() + " not READY (PENDING or FAILED) past its grace",
        reason);
  }

  private Condition member(MemberProblem m) {
    Map<String, String> labels = base();
    labels.put("node", m.address());
    String reason =
        m.removed()
            ? m.address() + " was removed from the cluster while unreachable and has not come back"
            : m.address() + " is unreachable (the failure detector hears no heartbeats)";
    return Condition.of(
        UNREACHABLE,
        Scope.CLUSTER,
        s.unreachable(),
        labels,
        true,
        1,
        "Node " + m.address() + " unreachable",
        reason);
  }

  private Map<String, String> modelLabels(String model, String version, String node) {
    Map<String, String> labels = base();
    labels.put("model", model);
    labels.put("version", version);
    labels.put("node", node);
    return labels;
  }

  private Map<String, String> base() {
    Map<String, String> labels = new TreeMap<>();
    if (!s.clusterLabel().isBlank()) {
      labels.put("cluster", s.clusterLabel());
    }
    return labels;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** A number as reasons write it: up to four significant digits, no exponent for common sizes. */
  static String num(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return v == 0 ? "0" : Double.toString(v);
    }
    double a = Math.abs(v);
    if (a >= 1e-9 && a < 1e7) {
      return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.3e", v);
  }
}
