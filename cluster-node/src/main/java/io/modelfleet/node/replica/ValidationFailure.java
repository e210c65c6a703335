package io.modelfleet.node.replica;

import io.modelfleet.protocol.model.ModelCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version's validation samples failed on a freshly opened session (the message says which
 * sample, output and element, with both values): the load fails, and the first such failure of a
 * replica's start is written to the model's history.
 */
final class ValidationFailure extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaEntity.class);

  ValidationFailure(String message) {
    super(message);
  }

  /** Asks the registry to record {@code reason} for this replica; a failure to do so is logged. */
  static void record(ReplicaScope scope, String reason) {
    String entityId = scope.entityId;
    scope
        .registry
        .ask(
            scope.id.model(),
            r ->
                new ModelCommand.RecordValidationFailure(
                    scope.id.version(), entityId, scope.rc.store().redact(reason), r),
            scope.rc.settings().askTimeout())
        .whenComplete(
            (ok, err) -> {
              if (err != null) {
                LOG.warn(
                    "Replica {} could not record its failed validation: {}",
                    entityId,
                    err.getMessage());
              }
            });
  }
}
