package io.modelfleet.protocol.replica;

/** Executions of one batch size (rows) and the time their phases took, as Triton's batch_stats. */
public record BatchStat(
    int batchSize, StatCounter computeInput, StatCounter computeInfer, StatCounter computeOutput) {

  public BatchStat plus(BatchStat o) {
    return new BatchStat(
        batchSize,
        computeInput.plus(o.computeInput),
        computeInfer.plus(o.computeInfer),
        computeOutput.plus(o.computeOutput));
  }
}
