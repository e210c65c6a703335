package io.modelfleet.node.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.typesafe.config.Config;
import io.modelfleet.protocol.model.SessionSpec;
import java.util.Locale;

/**
 * Session options for every replica on this node, from {@code modelfleet.ort}, with the thread
 * bound {@code modelfleet.limits.max-ort-threads} (0: this node's processors).
 *
 * <p>The gateway refuses deployments that ask for more threads than its own bound, but it may run
 * on a bigger machine than this worker, and the node's own defaults could be set too high: so a
 * session never gets more intra-op or inter-op threads than {@code maxThreads} here. The replica is
 * clamped rather than failed, because a deployment that serves with fewer threads is better than
 * one that never serves on smaller workers; {@link #clamped} gives the WARN line.
 *
 * <p>Also the largest output one request may get, from {@code modelfleet.replica.max-output-bytes},
 * and whether ORT's pool threads spin between runs ({@code modelfleet.ort.allow-spinning}).
 */
public record OrtSettings(
    int intraOpThreads,
    int interOpThreads,
    OptLevel optimizationLevel,
    int maxThreads,
    long maxOutputBytes,
    boolean allowSpinning) {

  public static final String MAX_OUTPUT_KEY = "modelfleet.replica.max-output-bytes";

  public OrtSettings(
      int intraOpThreads, int interOpThreads, OptLevel optimizationLevel, int maxThreads) {
    this(intraOpThreads, interOpThreads, optimizationLevel, maxThreads, Long.MAX_VALUE, false);
  }

  public OrtSettings(int intraOpThreads, int interOpThreads, OptLevel optimizationLevel) {
    this(
        intraOpThreads,
        interOpThreads,
        optimizationLevel,
        Runtime.getRuntime().availableProcessors(),
        Long.MAX_VALUE,
        false);
  }

  public OrtSettings {
    if (maxOutputBytes <= 0) {
      throw new IllegalArgumentException(
          MAX_OUTPUT_KEY + " must be positive, got " + maxOutputBytes);
    }
  }

  public static OrtSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.ort");
    String level = c.getString("optimization-level").toLowerCase(Locale.ROOT);
    int max =
        root.hasPath("modelfleet.limits.max-ort-threads")
            ? root.getInt("modelfleet.limits.max-ort-threads")
            : 0;
    if (max < 0) {
      throw new IllegalArgumentException(
          "modelfleet.limits.max-ort-threads must be 0 (the node's processors) or positive, got "
              + max);
    }
    return new OrtSettings(
        c.getInt("intra-op-threads"),
        c.getInt("inter-op-threads"),
        level(level),
        max == 0 ? Runtime.getRuntime().availableProcessors() : max,
        root.getBytes(MAX_OUTPUT_KEY),
        c.getBoolean("allow-spinning"));
  }

  /** The intra-op threads a session of {@code spec} gets, before the bound. */
  private int intraWanted(SessionSpec spec, int replicas) {
    return spec.intraOpThreads() > 0
        ? spec.intraOpThreads()
        : intraOpThreads > 0
            ? intraOpThreads
            : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, replicas));
  }

  private int interWanted(SessionSpec spec) {
    return spec.interOpThreads() > 0 ? spec.interOpThreads() : interOpThreads;
  }

  /** Null when {@code spec} fits this node; else the sentence saying what was clamped. */
  public String clamped(SessionSpec spec, int replicas) {
    int intra = intraWanted(spec, replicas);
    int inter = interWanted(spec);
    if (intra <= maxThreads && inter <= maxThreads) {
      return null;
    }
    return "the deployment (or the node's modelfleet.ort defaults) asks for "
        + intra
        + " intra-op and "
        + inter
        + " inter-op ONNX Runtime threads but this node"
        + " allows at most "
        + maxThreads
        + " (modelfleet.limits.max-ort-threads, the node's processors by default);"
        + " the session gets "
        + Math.min(intra, maxThreads)
        + " and "
        + Math.min(inter, maxThreads);
  }

  static OptLevel level(String level) {
    return switch (level) {
      case "none" -> OptLevel.NO_OPT;
      case "basic" -> OptLevel.BASIC_OPT;
      case "extended" -> OptLevel.EXTENDED_OPT;
      case "all" -> OptLevel.ALL_OPT;
      default ->
          throw new IllegalArgumentException(
              "the ONNX Runtime optimization level must be none, basic, extended or all, got '"
                  + level
                  + "'");
    };
  }

  /**
   * Options for one session. The deployment's own values win, then the node's; with neither, the
   * cores are shared among the deployment's replicas so that two replicas on a 2-core node do not
   * each start two spinning intra-op threads.
   */
  SessionOptions options(SessionSpec spec, int replicas) throws OrtException {
    SessionOptions o = new SessionOptions();
    o.setOptimizationLevel(
        spec.optimizationLevel() != null ? level(spec.optimizationLevel()) : optimizationLevel);
    o.setIntraOpNumThreads(Math.min(intraWanted(spec, replicas), maxThreads));
    int inter = Math.min(interWanted(spec), maxThreads);
    if (inter > 0) {
      o.setInterOpNumThreads(inter);
    }
    o.setExecutionMode(
        "parallel".equals(spec.executionMode())
            ? ExecutionMode.PARALLEL
            : ExecutionMode.SEQUENTIAL);
    // ORT's pool threads spin after each run waiting for the next one: that helps a tight loop in
    // one process, and burns the cores the gateway's threads need between a server's requests.
    String spin = allowSpinning ? "1" : "0";
    o.addConfigEntry("session.intra_op.allow_spinning", spin);
    o.addConfigEntry("session.inter_op.allow_spinning", spin);
    return o;
  }
}
