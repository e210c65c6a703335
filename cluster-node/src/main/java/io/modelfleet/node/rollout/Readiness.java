package io.modelfleet.node.rollout;

/**
 * The candidate's replicas as the replica directory shows them: how many are Ready of how many its
 * deployment wants, and the reason of one that failed its validation samples (null: none did).
 */
record Readiness(int ready, int wanted, String validationFailure) {}
