package io.modelfleet.node.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import io.modelfleet.protocol.model.SessionSpec;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Session options for every replica on this node, from {@code modelfleet.ort}, and the largest
 * output one request may get, from {@code modelfleet.replica.max-output-bytes}.
 */
public record OrtSettings(int intraOpThreads, int interOpThreads, OptLevel optimizationLevel, long maxOutputBytes) {

  public static final String MAX_OUTPUT_KEY = "modelfleet.replica.max-output-bytes";

  public OrtSettings(int intraOpThreads, int interOpThreads, OptLevel optimizationLevel) {
    this(intraOpThreads, interOpThreads, optimizationLevel, Long.MAX_VALUE);
  }

  public OrtSettings {
    if (maxOutputBytes <= 0) {
      throw new IllegalArgumentException(MAX_OUTPUT_KEY + " must be positive, got " + maxOutputBytes);
    }
  }

  public static OrtSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.ort");
    String level = c.getString("optimization-level").toLowerCase(Locale.ROOT);
    return new OrtSettings(c.getInt("intra-op-threads"), c.getInt("inter-op-threads"), level(level),
        root.getBytes(MAX_OUTPUT_KEY));
  }

  static OptLevel level(String level) {
    return switch (level) {
      case "none" -> OptLevel.NO_OPT;
      case "basic" -> OptLevel.BASIC_OPT;
      case "extended" -> OptLevel.EXTENDED_OPT;
      case "all" -> OptLevel.ALL_OPT;
      default -> throw new IllegalArgumentException(
          "the ONNX Runtime optimization level must be none, basic, extended or all, got '" + level + "'");
    };
  }

  /**
   * Options for one session. The deployment's own values win, then the node's; with neither, the
   * cores are shared among the deployment's replicas so that two replicas on a 2-core node do not
   * each start two spinning intra-op threads.
   */
  SessionOptions options(SessionSpec spec, int replicas) throws OrtException {
    SessionOptions o = new SessionOptions();
    o.setOptimizationLevel(spec.optimizationLevel() != null ? level(spec.optimizationLevel()) : optimizationLevel);
    int intra = spec.intraOpThreads() > 0 ? spec.intraOpThreads()
        : intraOpThreads > 0 ? intraOpThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, replicas));
    o.setIntraOpNumThreads(intra);
    int inter = spec.interOpThreads() > 0 ? spec.interOpThreads() : interOpThreads;
    if (inter > 0) {
      o.setInterOpNumThreads(inter);
    }
    o.setExecutionMode("parallel".equals(spec.executionMode()) ? ExecutionMode.PARALLEL : ExecutionMode.SEQUENTIAL);
    return o;
  }
}
