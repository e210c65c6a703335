package io.modelfleet.protocol.model;

import java.time.Instant;
import java.util.Map;

/**
 * One event of a model's journal as the history endpoint shows it. {@code details} holds the
 * event's own fields (version, digest, replicas, node, ...).
 */
public record HistoryEntry(
    long sequenceNr,
    Instant at,
    String event,
    String principal,
    String requestId,
    String reason,
    Map<String, Object> details) {}
