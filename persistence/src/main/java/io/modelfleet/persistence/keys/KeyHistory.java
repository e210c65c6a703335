package io.modelfleet.persistence.keys;

import io.modelfleet.protocol.model.HistoryEntry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The audit history of access: the key registry's journal, read from the start, as history entries
 * of the same shape as a model's ({@code GET /v1/models/{m}/history}). Reads the journal, not the
 * entity, so it shows every change ever made, and never the hash of a secret ({@link
 * KeyEvent#toHistory}).
 */
public final class KeyHistory {
  private final ActorSystem<?> system;
  private final CurrentEventsByPersistenceIdQuery journal;

  /**
   * @param journal the registry's read journal: JDBC's in a node ({@code
   *     JournalCatalog.journal()}), the persistence test kit's in tests
   */
  public KeyHistory(ActorSystem<?> system, CurrentEventsByPersistenceIdQuery journal) {
    this.system = system;
    this.journal = journal;
  }

  /** Every change to keys so far, oldest first. */
  public CompletionStage<List<HistoryEntry>> history() {
    return journal
        .currentEventsByPersistenceId(KeyRegistryEntity.PERSISTENCE_ID.id(), 0L, Long.MAX_VALUE)
        .map(env -> ((KeyEvent) env.event()).toHistory(env.sequenceNr()))
        .runWith(Sink.seq(), system);
  }
}
