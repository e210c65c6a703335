package io.modelfleet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The targets as the report prints them, from hand-made rows. */
class TargetsTest {

  private static final long SECOND = 1_000_000_000L;

  /** {@code completed} operations in one second, every latency {@code p50Micros}. */
  private static Measurement m(long completed, double p50Micros, double cpuSeconds) {
    long[] latencies = new long[(int) completed];
    Arrays.fill(latencies, (long) (p50Micros * 1000));
    return new Measurement(1, 1, completed, 0, null, SECOND, latencies, 0, cpuSeconds);
  }

  private static Targets.Target named(List<Targets.Target> all, String name) {
    return all.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void addedLatencyIsMeasuredFromTheFastestRawConfiguration() {
    Results r = new Results();
    r.add(Row.measured("simple", RawOrt.label(0), Row.NONE, 1, 1, m(1000, 30, 0.01)));
    r.add(Row.measured("simple", RawOrt.label(1), Row.NONE, 1, 1, m(1000, 10, 0.01)));
    r.add(Row.measured("simple", "binary", "off", 1, 1, m(1000, 70, 0.1)));
    Targets.Target t = named(Targets.evaluate(r), "simple, 1 client, binary");
    assertEquals("✗", t.mark(), t.measured());
    assertTrue(t.measured().startsWith("+60 µs"), t.measured());
  }

  @Test
  void miniLmEfficiencyDividesByTheBestRawConfigurationAndGivesCpuPerInference() {
    Results r = new Results();
    r.add(Row.measured("minilm", RawOrt.label(0), Row.NONE, 16, 1, m(50, 300_000, 0.9)));
    r.add(Row.measured("minilm", RawOrt.label(1), Row.NONE, 16, 1, m(40, 400_000, 0.8)));
    r.add(Row.measured("minilm", "binary", "off", 16, 1, m(48, 330_000, 1.2)));
    Targets.Target t = named(Targets.evaluate(r), "MiniLM seq 128, 16 clients, binary");
    assertEquals("✓", t.mark(), t.measured());
    assertTrue(t.measured().startsWith("0.96"), t.measured());
    assertTrue(t.measured().contains("served 25.0 ms, raw 18.0 ms"), t.measured());
  }

  @Test
  void healthCpuPerRequestIsTheNodesCpuOverItsRequests() {
    Results r = new Results();
    r.addCeiling(Row.measured("(none)", Bench.TRIVIAL, Row.NONE, 64, 1, m(100_000, 900, 0.7)));
    r.addCeiling(Row.measured("(none)", Bench.HEALTH, Row.NONE, 64, 1, m(10_000, 6000, 1.5)));
    Targets.Target t = named(Targets.evaluate(r), "GET /v2/health/live, 64 clients");
    assertEquals("✗", t.mark(), t.measured());
    assertTrue(t.measured().startsWith("150.0 µs"), t.measured());
    assertTrue(t.measured().contains("trivial server 7.0 µs"), t.measured());
  }

  @Test
  void missingRowsAndAMissingHopAreNotApplicableNeverPassed() {
    Results r = new Results();
    r.add(Row.measured("simple", RawOrt.label(1), Row.NONE, 16, 1, m(100_000, 8, 0.9)));
    r.add(Row.unavailable("simple", "grpc", "off", 16, 1, "the node serves no gRPC"));
    r.add(Row.measured("simple", "binary", "off", 16, 1, m(21_000, 700, 1.9)));
    List<Targets.Target> all = Targets.evaluate(r);
    assertEquals("✓", named(all, "simple, 16 clients, HTTP").mark());
    Targets.Target grpc = named(all, "simple, 16 clients, gRPC");
    assertNull(grpc.passed(), grpc.measured());
    assertNull(named(all, "cross-node hop, tiny (Gemm), 1 client, binary").passed());
  }

  @Test
  void hopIsRemoteMinusLocalP50() {
    Results r = new Results();
    r.hop(new HopBench.Outcome("report", 300, 450));
    Targets.Target t = named(Targets.evaluate(r), "cross-node hop, tiny (Gemm), 1 client, binary");
    assertEquals("✓", t.mark());
    assertTrue(t.measured().startsWith("+150 µs"), t.measured());
  }

  @Test
  void deploymentExtraIsAddedAndMayReplaceTheOrtOptions() {
    String body = NodeApi.BATCHING_OFF;
    assertEquals(body, NodeApi.withExtra(body, " "));
    String more = NodeApi.withExtra(body, "\"instance_count\":4");
    assertTrue(more.endsWith(",\"instance_count\":4}") && more.contains("\"ort\""), more);
    String ort = NodeApi.withExtra(body, "\"ort\":{\"intra_op_threads\":1}");
    assertEquals(1, ort.split("\"ort\"").length - 1, ort);
    assertTrue(ort.endsWith(",\"ort\":{\"intra_op_threads\":1}}"), ort);
  }

  @Test
  void sideBySideGivesRawsBestAndEachProtocolInTheIssuesLayout() {
    Results r = new Results();
    r.add(Row.measured("simple", RawOrt.label(1), Row.NONE, 1, 1, m(100_000, 6, 0.7)));
    r.add(Row.measured("simple", RawOrt.label(1), Row.NONE, 16, 1, m(110_000, 7, 0.9)));
    r.add(Row.measured("simple", "binary", "off", 1, 1, m(3000, 320, 0.9)));
    r.add(Row.measured("simple", "binary", "on", 16, 1, m(9000, 1700, 1.9)));
    String table = SideBySide.render(r, Targets.tinyModel(r));
    assertTrue(
        table.contains(
            "| raw ONNX Runtime in-process (best configuration) | 100,000 | 6 | 110,000 |"),
        table);
    assertTrue(table.contains("| ModelFleet, binary | 3,000 | 320 | 9,000 |"), table);
    assertFalse(table.contains("ModelFleet, grpc"), table);
  }
}
