package io.modelfleet.persistence.registry;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The artifact digest of every version any node ever registered, read from the journal: every model
 * event carries {@link ModelEvent#TAG}, so one tag query covers all models without asking each
 * entity. Versions are never deleted, so a digest once registered stays referenced. Costs one pass
 * over the journal's events; the orphan collector runs it every few minutes at most.
 */
public final class RegisteredDigests {
  private RegisteredDigests() {}

  public static CompletionStage<Set<String>> current(
      ActorSystem<?> system, JdbcReadJournal journal) {
    return journal
        .currentEventsByTag(ModelEvent.TAG, Offset.noOffset())
        .filter(env -> env.event() instanceof ModelEvent.VersionRegistered)
        .map(env -> ((ModelEvent.VersionRegistered) env.event()).version().digest())
        .runWith(
            Sink.fold(
                new HashSet<String>(),
                (set, d) -> {
                  set.add(d);
                  return set;
                }),
            system)
        .thenApply(Set::copyOf);
  }
}
