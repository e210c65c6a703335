package io.modelfleet.gateway.shadow;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.load.DiffBuckets;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.load.ShadowLoad;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's shadow traffic over the cluster: the {@link ShadowLoad}s of every node that answered,
 * summed per (baseline, candidate), as {@code GET /v1/models/{m}/shadow} shows them. Counts are
 * since each node started. Differences are read from {@link DiffBuckets}, so a maximum or p99 is
 * the upper bound of its bucket: at most twice the true value. Pure.
 */
public final class ShadowSummary {

  /** One pair's sums; {@code absDiff}/{@code relDiff} per output name. */
  record Pair(
      String baseline,
      String candidate,
      long mirrored,
      long compared,
      long failed,
      long mismatched,
      Map<String, long[]> absDiff,
      Map<String, long[]> relDiff) {}

  private final String model;
  private final int nodes;
  private final int unanswered;
  private final List<Pair> pairs;

  private ShadowSummary(String model, int nodes, int unanswered, List<Pair> pairs) {
    this.model = model;
    this.nodes = nodes;
    this.unanswered = unanswered;
    this.pairs = pairs;
  }

  /** The sum of the answers (null: a node that did not answer in time) for {@code model}. */
  public static ShadowSummary of(String model, List<NodeLoad> answers) {
    Map<String, Pair> sums = new TreeMap<>();
    int unanswered = 0;
    for (NodeLoad n : answers) {
      if (n == null) {
        unanswered++;
        continue;
      }
      for (ShadowLoad s : n.shadows()) {
        if (!model.equals(s.model())) {
          continue;
        }
        String key = s.baseline() + '\n' + s.candidate();
        Pair p = sums.get(key);
        sums.put(
            key,
            p == null
                ? new Pair(
                    s.baseline(),
                    s.candidate(),
                    s.mirrored(),
                    s.compared(),
                    s.failed(),
                    s.mismatched(),
                    add(new TreeMap<>(), s.absDiff()),
                    add(new TreeMap<>(), s.relDiff()))
                : new Pair(
                    p.baseline(),
                    p.candidate(),
                    p.mirrored() + s.mirrored(),
                    p.compared() + s.compared(),
                    p.failed() + s.failed(),
                    p.mismatched() + s.mismatched(),
                    add(p.absDiff(), s.absDiff()),
                    add(p.relDiff(), s.relDiff())));
      }
    }
    return new ShadowSummary(model, answers.size(), unanswered, List.copyOf(sums.values()));
  }

  private static Map<String, long[]> add(Map<String, long[]> into, Map<String, long[]> more) {
    more.forEach(
        (name, counts) -> {
          long[] sum = into.computeIfAbsent(name, n -> new long[DiffBuckets.COUNT]);
          for (int i = 0; i < Math.min(sum.length, counts.length); i++) {
            sum[i] += counts[i];
          }
        });
    return into;
  }

  List<Pair> pairs() {
    return pairs;
  }

  /**
   * {@code {"model": "m", "nodes": 3, "unanswered": 0, "shadows": [{"baseline": "1", "candidate":
   * "2", "mirrored": 10, "compared": 9, "failed": 1, "mismatched": 0, "outputs": {"y": {"max_abs":
   * 0.27, "p99_abs": 0.27, "max_rel": 0.27, "p99_rel": 0.27}}}]}}; an infinite difference (NaN
   * against a number, unequal BOOL or BYTES) is the string "inf".
   */
  public void write(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("model", model);
    g.writeNumberField("nodes", nodes);
    g.writeNumberField("unanswered", unanswered);
    g.writeArrayFieldStart("shadows");
    for (Pair p : pairs) {
      g.writeStartObject();
      g.writeStringField("baseline", p.baseline());
      g.writeStringField("candidate", p.candidate());
      g.writeNumberField("mirrored", p.mirrored());
      g.writeNumberField("compared", p.compared());
      g.writeNumberField("failed", p.failed());
      g.writeNumberField("mismatched", p.mismatched());
      g.writeObjectFieldStart("outputs");
      for (var e : p.absDiff().entrySet()) {
        long[] rel = p.relDiff().getOrDefault(e.getKey(), new long[0]);
        g.writeObjectFieldStart(e.getKey());
        number(g, "max_abs", DiffBuckets.max(e.getValue()));
        number(g, "p99_abs", DiffBuckets.quantile(e.getValue(), 0.99));
        number(g, "max_rel", DiffBuckets.max(rel));
        number(g, "p99_rel", DiffBuckets.quantile(rel, 0.99));
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void number(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumberField(field, v);
    } else {
      g.writeStringField(field, "inf");
    }
  }
}
