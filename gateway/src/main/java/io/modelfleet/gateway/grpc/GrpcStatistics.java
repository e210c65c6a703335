package io.modelfleet.gateway.grpc;

import static io.modelfleet.gateway.grpc.GrpcAccess.emptyToNull;
import static io.modelfleet.gateway.grpc.GrpcAccess.modelPath;

import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.grpc.proto.InferBatchStatistics;
import io.modelfleet.gateway.grpc.proto.InferStatistics;
import io.modelfleet.gateway.grpc.proto.ModelStatistics;
import io.modelfleet.gateway.grpc.proto.ModelStatisticsRequest;
import io.modelfleet.gateway.grpc.proto.ModelStatisticsResponse;
import io.modelfleet.gateway.grpc.proto.StatisticDuration;
import io.modelfleet.gateway.stats.ModelStats;
import io.modelfleet.protocol.replica.BatchStat;
import io.modelfleet.protocol.replica.ReplicaStats;
import io.modelfleet.protocol.replica.StatCounter;
import java.util.List;

/**
 * Triton's {@code ModelStatistics} (what perf_analyzer -i grpc reads before and after each
 * measurement): the statistics {@link ModelStats} gathers for HTTP's {@code /stats}, with the same
 * access decision. An empty name means every model the key may see (the version is then not looked
 * at, as in Triton); an unknown model or version is NOT_FOUND. The response cache's hits and misses
 * are Triton's cache_hit and cache_miss, and ModelFleet's own {@code timeout} counter has no field
 * here.
 */
final class GrpcStatistics {

  private final GrpcAccess access;
  private final ModelStats stats;

  GrpcStatistics(GrpcAccess access, ModelStats stats) {
    this.access = access;
    this.stats = stats;
  }

  void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
    String model = emptyToNull(request.getName());
    String version = model == null ? null : emptyToNull(request.getVersion());
    String path = model == null ? "/v2/models" : modelPath(model, version);
    access.answer(
        "GET",
        path + "/stats",
        out,
        who -> stats.of(who, model, version).thenApply(GrpcStatistics::of));
  }

  static ModelStatisticsResponse of(List<ReplicaStats> all) {
    ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
    for (ReplicaStats s : all) {
      ModelStatistics.Builder m =
          ModelStatistics.newBuilder()
              .setName(s.model())
              .setVersion(s.version())
              .setLastInference(s.lastInferenceMillis())
              .setInferenceCount(s.inferenceCount())
              .setExecutionCount(s.executionCount())
              .setInferenceStats(
                  InferStatistics.newBuilder()
                      .setSuccess(duration(s.success()))
                      .setFail(duration(s.fail()))
                      .setQueue(duration(s.queue()))
                      .setComputeInput(duration(s.computeInput()))
                      .setComputeInfer(duration(s.computeInfer()))
                      .setComputeOutput(duration(s.computeOutput()))
                      .setCacheHit(duration(s.cacheHit()))
                      .setCacheMiss(duration(s.cacheMiss())));
      for (BatchStat batch : s.batchStats()) {
        m.addBatchStats(
            InferBatchStatistics.newBuilder()
                .setBatchSize(batch.batchSize())
                .setComputeInput(duration(batch.computeInput()))
                .setComputeInfer(duration(batch.computeInfer()))
                .setComputeOutput(duration(batch.computeOutput())));
      }
      b.addModelStats(m);
    }
    return b.build();
  }

  private static StatisticDuration duration(StatCounter c) {
    return StatisticDuration.newBuilder().setCount(c.count()).setNs(c.ns()).build();
  }
}
