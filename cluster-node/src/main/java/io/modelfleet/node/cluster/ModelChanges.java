package io.modelfleet.node.cluster;

import io.modelfleet.persistence.registry.ModelEvent;
import io.modelfleet.protocol.model.ModelCommand;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Follows the registry's tagged event stream from the beginning and names the model of every event:
 * how the cluster singletons that act on models (the deployment controller, the rollout controller,
 * the autoscaler) learn of each change, and of every model after a restart.
 */
public final class ModelChanges {

  private static final String PREFIX = ModelCommand.TYPE_KEY.name() + "|";

  private ModelChanges() {}

  /**
   * Runs the stream: {@code tap} sees every envelope, {@code changed} gets the model name of each
   * one {@code keep} accepts. The kill switch stops it; the stage ends when it does (a failure when
   * a journal query failed), so that the caller can restart.
   */
  public static Pair<UniqueKillSwitch, CompletionStage<Done>> follow(
      EventsByTagQuery journal,
      ActorSystem<?> system,
      Consumer<EventEnvelope> tap,
      Predicate<EventEnvelope> keep,
      Consumer<String> changed) {
    return journal
        .eventsByTag(ModelEvent.TAG, Offset.noOffset())
        .wireTap(tap::accept)
        .filter(keep::test)
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(
            Sink.foreach(env -> changed.accept(env.persistenceId().substring(PREFIX.length()))),
            Keep.both())
        .run(system);
  }
}
