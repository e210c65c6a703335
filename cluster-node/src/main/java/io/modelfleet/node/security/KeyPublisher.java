package io.modelfleet.node.security;

import io.modelfleet.node.cluster.Directories;
import io.modelfleet.persistence.keys.KeyRegistryEntity;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyCommand;
import io.modelfleet.protocol.security.KeyReply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Keeps the replicated key map ({@code ClusterKeys.API_KEYS}, which every gateway authenticates
 * from) equal to the key registry. Meant to run as a cluster singleton on the workers, so the map
 * has one writer; all its writes go through {@link Directories#putApiKey}.
 *
 * <p>It follows the registry's journal ({@code eventsByPersistenceId}), but takes from it only that
 * something changed: each change (and its start) triggers a read of every key from the registry,
 * and the keys that differ from what it last wrote are written. Copying the registry's answer
 * rather than applying events means an event replayed from the past never writes an old value (a
 * revoked key never comes back), and a burst of changes costs one read. Keys are never removed: a
 * revoked key stays in the map, revoked, so every gateway refuses it.
 *
 * <pre>
 * state      on                          does
 * idle       a change, or the retry      reads every key            -> reading
 * reading    the keys                    writes those that changed  -> idle (reading if a change
 *                                                                      came meanwhile)
 * reading    a change                    remembers to read again
 * reading    a failed read               retries after retry-interval
 * any        a failed write              forgets that key, retries after retry-interval
 * any        the stream failed or ended  restarts with backoff, writes every key again
 * </pre>
 */
public final class KeyPublisher {

  /** What the publisher handles: only its own messages; nobody else needs to talk to it. */
  public sealed interface Command {}

  private enum Sync implements Command {
    INSTANCE
  }

  private record KeysRead(List<ApiKey> keys) implements Command {}

  private record ReadFailed(String reason) implements Command {}

  private record KeyWritten(ApiKey key, Directories.Reach reach) implements Command {}

  private record KeyWriteFailed(ApiKey key, String reason) implements Command {}

  private record StreamEnded() implements Command {}

  private record StreamFailed(Throwable cause) implements Command {}

  private static final Object RETRY = "retry";

  private KeyPublisher() {}

  /**
   * A failed or ended event stream restarts the publisher with backoff, rather than stopping it: a
   * stopped singleton would leave revocations unpublished until its node left.
   *
   * @param registry the key registry (its sharded entity in a node)
   * @param journal the registry's read journal (JDBC in a node, the persistence test kit's in
   *     tests)
   */
  public static Behavior<Command> create(
      RecipientRef<KeyCommand> registry,
      EventsByPersistenceIdQuery journal,
      KeyPublisherSettings settings) {
    return Behaviors.supervise(
            Behaviors.<Command>setup(
                ctx ->
                    Behaviors.withTimers(
                        timers ->
                            new KeyPublisher.Run(ctx, timers, registry, settings).start(journal))))
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2));
  }

  /** One incarnation: its stream, its writes, and what it last wrote. */
  private static final class Run {
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final RecipientRef<KeyCommand> registry;
    private final KeyPublisherSettings settings;
    private final Directories directories;

    /** What this incarnation wrote (or is writing) per key id. */
    private final Map<String, ApiKey> written = new HashMap<>();

    private UniqueKillSwitch stream;
    private boolean reading;
    private boolean readAgain;

    Run(
        ActorContext<Command> ctx,
        TimerScheduler<Command> timers,
        RecipientRef<KeyCommand> registry,
        KeyPublisherSettings settings) {
      this.ctx = ctx;
      this.timers = timers;
      this.registry = registry;
      this.settings = settings;
      this.directories = new Directories(ctx.getSystem());
    }

    Behavior<Command> start(EventsByPersistenceIdQuery journal) {
      var self = ctx.getSelf();
      Pair<UniqueKillSwitch, CompletionStage<Done>> run =
          journal
              .eventsByPersistenceId(KeyRegistryEntity.PERSISTENCE_ID.id(), 0L, Long.MAX_VALUE)
              .viaMat(KillSwitches.single(), Keep.right())
              .toMat(Sink.foreach(env -> self.tell(Sync.INSTANCE)), Keep.both())
              .run(ctx.getSystem());
      stream = run.first();
      ctx.pipeToSelf(
          run.second(),
          (done, failure) -> failure == null ? new StreamEnded() : new StreamFailed(failure));
      read();
      return Behaviors.receive(Command.class)
          .onMessage(Sync.class, m -> onSync())
          .onMessage(KeysRead.class, this::onKeysRead)
          .onMessage(ReadFailed.class, this::onReadFailed)
          .onMessage(KeyWritten.class, this::onKeyWritten)
          .onMessage(KeyWriteFailed.class, this::onKeyWriteFailed)
          .onMessage(StreamEnded.class, m -> onStreamEnded())
          .onMessage(StreamFailed.class, this::onStreamFailed)
          .onSignal(PreRestart.class, s -> stopStream())
          .onSignal(PostStop.class, s -> stopStream())
          .build();
    }

    private Behavior<Command> onSync() {
      if (reading) {
        readAgain = true;
      } else {
        read();
      }
      return Behaviors.same();
    }

    private void read() {
      reading = true;
      readAgain = false;
      ctx.pipeToSelf(
          AskPattern.<KeyCommand, KeyReply>ask(
              registry,
              KeyCommand.GetKeys::new,
              settings.askTimeout(),
              ctx.getSystem().scheduler()),
          (reply, failure) -> {
            if (failure != null) {
              return new ReadFailed(failure.toString());
            }
            if (reply instanceof KeyReply.Keys keys) {
              return new KeysRead(keys.keys());
            }
            return new ReadFailed("the key registry answered " + reply.getClass().getSimpleName());
          });
    }

    private Behavior<Command> onKeysRead(KeysRead m) {
      int changed = 0;
      for (ApiKey key : m.keys()) {
        if (!key.equals(written.get(key.id()))) {
          written.put(key.id(), key);
          changed++;
          ctx.pipeToSelf(
              directories.putApiKey(key, settings.writeTimeout()),
              (reach, failure) ->
                  failure == null
                      ? new KeyWritten(key, reach)
                      : new KeyWriteFailed(key, failure.toString()));
        }
      }
      if (changed > 0) {
        ctx.getLog().debug("Publishing {} changed API key(s) of {}", changed, m.keys().size());
      }
      reading = false;
      if (readAgain) {
        read();
      }
      return Behaviors.same();
    }

    private Behavior<Command> onReadFailed(ReadFailed m) {
      ctx.getLog()
          .warn(
              "Cannot read the key registry ({}); trying again in {} ms",
              m.reason(),
              settings.retryInterval().toMillis());
      reading = false;
      timers.startSingleTimer(RETRY, Sync.INSTANCE, settings.retryInterval());
      return Behaviors.same();
    }

    private Behavior<Command> onKeyWritten(KeyWritten m) {
      if (m.reach() == Directories.Reach.LOCAL) {
        ctx.getLog()
            .info(
                "API key {} is published on this node only so far (no majority answered in {} ms);"
                    + " gossip spreads it",
                m.key().id(),
                settings.writeTimeout().toMillis());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onKeyWriteFailed(KeyWriteFailed m) {
      ctx.getLog()
          .warn(
              "Cannot publish API key {} ({}); trying again in {} ms",
              m.key().id(),
              m.reason(),
              settings.retryInterval().toMillis());
      written.remove(m.key().id(), m.key());
      timers.startSingleTimer(RETRY, Sync.INSTANCE, settings.retryInterval());
      return Behaviors.same();
    }

    private Behavior<Command> onStreamEnded() {
      throw new IllegalStateException("the key registry's event stream ended");
    }

    private Behavior<Command> onStreamFailed(StreamFailed m) {
      throw new IllegalStateException("the key registry's event stream failed", m.cause());
    }

    private Behavior<Command> stopStream() {
      stream.shutdown();
      return Behaviors.same();
    }
  }
}
