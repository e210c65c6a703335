package io.modelfleet.bench;

import ai.onnxruntime.OrtEnvironment;
import java.util.Map;

/**
 * The raw ORT rows of one model: for each session configuration ({@code bench.raw.intra-op}: ORT's
 * default intra-op threads, 1 thread shared by all callers, …) one session in the bench's JVM, N
 * threads calling {@code run}. Issue 12 compares served throughput with raw's best configuration,
 * so each is measured and the targets take the best. The CPU column of a raw row is the bench
 * process's CPU (the callers and ORT's pool) per run.
 */
final class RawRows {

  private static final int MLP_BATCH = 64;

  private RawRows() {}

  /** Measures every configuration; returns the reference outputs (empty if raw failed). */
  static Map<String, RawOrt.Reference> measure(
      BenchConfig config,
      QuietGate gate,
      CpuMonitor cpu,
      Results results,
      OrtEnvironment env,
      BenchModel m)
      throws InterruptedException {
    Map<String, RawOrt.Reference> reference = Map.of();
    for (int intraOp : config.rawIntraOp()) {
      String path = RawOrt.label(intraOp);
      try (RawOrt raw = RawOrt.open(env, m.onnx(), intraOp)) {
        if (reference.isEmpty()) {
          reference = raw.reference(m.inputs(1));
        }
        for (int clients : config.concurrency(m.key())) {
          Measurement r =
              gate.measure(
                  path + " " + m.key() + " " + clients,
                  () ->
                      raw.measure(
                          clients, m.inputs(1), config.warmUp(), config.window(m.key()), cpu));
          Progress.record(results, Row.measured(m.key(), path, Row.NONE, clients, 1, r));
        }
        if (m.key().equals("mlp")) {
          Measurement r =
              gate.measure(
                  "raw mlp batch " + MLP_BATCH,
                  () ->
                      raw.measure(
                          1, m.inputs(MLP_BATCH), config.warmUp(), config.window(m.key()), cpu));
          Progress.record(results, Row.measured(m.key(), path, Row.NONE, 1, MLP_BATCH, r));
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        Progress.line(path + " " + m.key() + " failed: " + e);
        for (int clients : config.concurrency(m.key())) {
          results.add(
              Row.unavailable(
                  m.key(), path, Row.NONE, clients, 1, "raw ORT failed: " + e.getMessage()));
        }
      }
    }
    return reference;
  }
}
