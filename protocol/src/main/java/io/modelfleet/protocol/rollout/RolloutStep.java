package io.modelfleet.protocol.rollout;

/**
 * One step of a rollout: the candidate takes {@code percent} of the alias's requests (0: none, a
 * shadow preview) for at least {@code durationMillis}, and longer until the analysis has enough
 * samples.
 */
public record RolloutStep(int percent, long durationMillis) {}
