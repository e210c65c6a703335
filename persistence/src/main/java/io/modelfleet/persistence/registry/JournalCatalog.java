package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.service.ModelCatalog;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The registry's read side, straight from the journal through pekko-persistence-query: the list of
 * models is the set of model persistence ids, and a model's history is its event stream.
 */
public final class JournalCatalog implements ModelCatalog {
  private static final String PREFIX = ModelCommand.TYPE_KEY.name() + "|";

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;

  public JournalCatalog(ActorSystem<?> system) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  public JdbcReadJournal journal() {
    return journal;
  }

  @Override
  public CompletionStage<List<String>> modelNames() {
    return journal
        .currentPersistenceIds()
        .filter(id -> id.startsWith(PREFIX))
        .map(id -> id.substring(PREFIX.length()))
        .runWith(Sink.seq(), system)
        .thenApply(names -> names.stream().sorted().toList());
  }

  @Override
  public CompletionStage<List<HistoryEntry>> history(String model) {
    return journal
        .currentEventsByPersistenceId(ModelEntity.persistenceId(model).id(), 0L, Long.MAX_VALUE)
        .map(env -> ((ModelEvent) env.event()).toHistory(env.sequenceNr()))
        .runWith(Sink.seq(), system);
  }
}
