package io.modelfleet.gateway.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.replica.BatchStat;
import io.modelfleet.protocol.replica.ReplicaStats;
import io.modelfleet.protocol.replica.StatCounter;
import java.io.IOException;
import java.util.List;

/**
 * Triton's statistics extension response: {@code {"model_stats": [{name, version, last_inference,
 * inference_count, execution_count, inference_stats: {success, fail, queue, compute_input,
 * compute_infer, compute_output, cache_hit, cache_miss, ...}, batch_stats: [...]}]}}. {@code
 * timeout} is ours: requests dropped from the queue at their deadline, never computed. A response
 * cache hit is in {@code success} and {@code cache_hit} only; {@code cache_miss} counts computed
 * requests of a caching deployment, with their lookup and insertion time.
 */
final class StatsJson {
  private StatsJson() {}

  static void write(List<ReplicaStats> stats, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("model_stats");
    for (ReplicaStats s : stats) {
      g.writeStartObject();
      g.writeStringField("name", s.model());
      g.writeStringField("version", s.version());
      g.writeNumberField("last_inference", s.lastInferenceMillis());
      g.writeNumberField("inference_count", s.inferenceCount());
      g.writeNumberField("execution_count", s.executionCount());
      g.writeObjectFieldStart("inference_stats");
      counter("success", s.success(), g);
      counter("fail", s.fail(), g);
      counter("queue", s.queue(), g);
      counter("compute_input", s.computeInput(), g);
      counter("compute_infer", s.computeInfer(), g);
      counter("compute_output", s.computeOutput(), g);
      counter("cache_hit", s.cacheHit(), g);
      counter("cache_miss", s.cacheMiss(), g);
      counter("timeout", s.timeout(), g);
      g.writeEndObject();
      g.writeArrayFieldStart("batch_stats");
      for (BatchStat b : s.batchStats()) {
        g.writeStartObject();
        g.writeNumberField("batch_size", b.batchSize());
        counter("compute_input", b.computeInput(), g);
        counter("compute_infer", b.computeInfer(), g);
        counter("compute_output", b.computeOutput(), g);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void counter(String name, StatCounter c, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeNumberField("count", c.count());
    g.writeNumberField("ns", c.ns());
    g.writeEndObject();
  }
}
