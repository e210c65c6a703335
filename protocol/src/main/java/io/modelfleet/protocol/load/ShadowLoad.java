package io.modelfleet.protocol.load;

import io.modelfleet.protocol.FleetSerializable;
import java.util.Map;

/**
 * Shadow traffic of one model on one node's gateway since the node started: requests answered by
 * {@code baseline} that were also sent to {@code candidate}, and how the candidate's outputs
 * compared. Counters since the node started, like {@link VersionLoad}.
 *
 * @param mirrored requests copied to the candidate
 * @param compared mirrored requests both versions answered successfully, whose outputs were
 *     compared
 * @param failed mirrored requests the candidate failed (or timed out on) while the baseline
 *     answered
 * @param mismatched compared requests whose outputs differ in names, types or shapes (not counted
 *     in the difference buckets)
 * @param absDiff per output name: for each compared request, the largest absolute difference over
 *     the output's elements, counted per {@link DiffBuckets} bucket
 * @param relDiff the same for the relative difference |c - b| / max(|b|, 1e-12)
 */
public record ShadowLoad(
    String model,
    String baseline,
    String candidate,
    long mirrored,
    long compared,
    long failed,
    long mismatched,
    Map<String, long[]> absDiff,
    Map<String, long[]> relDiff)
    implements FleetSerializable {

  public ShadowLoad {
    absDiff = Map.copyOf(absDiff);
    relDiff = Map.copyOf(relDiff);
  }
}
