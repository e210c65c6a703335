package io.modelfleet.node.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.typesafe.config.Config;
import java.util.Locale;

/** Session options for every replica on this node, from {@code modelfleet.ort}. */
public record OrtSettings(int intraOpThreads, int interOpThreads, OptLevel optimizationLevel) {

  public static OrtSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.ort");
    String level = c.getString("optimization-level").toLowerCase(Locale.ROOT);
    OptLevel opt = switch (level) {
      case "none" -> OptLevel.NO_OPT;
      case "basic" -> OptLevel.BASIC_OPT;
      case "extended" -> OptLevel.EXTENDED_OPT;
      case "all" -> OptLevel.ALL_OPT;
      default -> throw new IllegalArgumentException(
          "modelfleet.ort.optimization-level must be none, basic, extended or all, got '" + level + "'");
    };
    return new OrtSettings(c.getInt("intra-op-threads"), c.getInt("inter-op-threads"), opt);
  }

  SessionOptions options() throws OrtException {
    SessionOptions o = new SessionOptions();
    o.setOptimizationLevel(optimizationLevel);
    if (intraOpThreads > 0) {
      o.setIntraOpNumThreads(intraOpThreads);
    }
    if (interOpThreads > 0) {
      o.setInterOpNumThreads(interOpThreads);
    }
    return o;
  }
}
