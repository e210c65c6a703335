package io.modelfleet.persistence.artifact;

/**
 * A corrupt file of the local store was replaced by bytes that hash to {@code digest}. Published on
 * the node's own event stream (never sent over the network), so that replicas of that artifact
 * which FAILED on the corrupt copy retry at once instead of at the end of their backoff.
 */
public record ArtifactRepaired(String digest) {}
