package io.modelfleet.bench;

import io.modelfleet.persistence.registry.ModelEntity;
import io.modelfleet.persistence.registry.ModelEvent;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;

/**
 * Writes registry events into a model's journal in large atomic batches, tagged as the registry
 * tags them, so that the recovery bench can build a 100,000-event journal in seconds; through the
 * registry entity itself every event would be its own commit. Not a registry: it keeps no state but
 * the count, and must be stopped before a {@link ModelEntity} of the same model starts.
 */
final class JournalFiller extends EventSourcedBehavior<JournalFiller.Fill, ModelEvent, Long> {

  /** Persist these events as one atomic write, then answer. */
  record Fill(List<ModelEvent> events, ActorRef<Done> replyTo) {}

  private JournalFiller(String model) {
    super(ModelEntity.persistenceId(model));
  }

  static JournalFiller create(String model) {
    return new JournalFiller(model);
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  /** The registry's snapshots hold its state, not this count: replay events only. */
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  @Override
  public Set<String> tagsFor(ModelEvent event) {
    return Set.of(ModelEvent.TAG);
  }

  @Override
  public CommandHandler<Fill, ModelEvent, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Fill.class,
            (s, c) ->
                Effect().persist(c.events()).thenRun(st -> c.replyTo().tell(Done.getInstance())))
        .build();
  }

  @Override
  public EventHandler<Long, ModelEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
  }
}
