package io.modelfleet.protocol.model;

/**
 * ONNX Runtime session options of one deployment. Zero or null means the node's default ({@code
 * modelfleet.ort}); the node's default intra-op thread count shares the cores among the replicas on
 * the node instead of letting each take them all.
 *
 * @param optimizationLevel none | basic | extended | all
 * @param executionMode sequential | parallel
 */
public record SessionSpec(
    int intraOpThreads, int interOpThreads, String optimizationLevel, String executionMode) {

  public static final SessionSpec DEFAULTS = new SessionSpec(0, 0, null, null);
}
