package io.modelfleet.gateway.shadow;

import io.modelfleet.protocol.load.LoadProbe;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Reads a model's shadow traffic from every node: finds the nodes' load probes ({@link
 * LoadProbe#KEY}) through the receptionist and asks each, within the ask timeout; a node that does
 * not answer is counted as unanswered rather than failing the whole read.
 */
public final class ShadowReport {

  private final ActorSystem<?> system;
  private final Duration timeout;

  public ShadowReport(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  public CompletionStage<ShadowSummary> read(String model) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            replyTo -> Receptionist.find(LoadProbe.KEY, replyTo),
            timeout,
            system.scheduler())
        .thenCompose(
            listing -> {
              List<CompletableFuture<NodeLoad>> asks = new ArrayList<>();
              for (ActorRef<LoadProbe> probe : listing.getServiceInstances(LoadProbe.KEY)) {
                asks.add(
                    AskPattern.<LoadProbe, NodeLoad>ask(
                            probe,
                            replyTo -> new LoadProbe.Read(model, replyTo),
                            timeout,
                            system.scheduler())
                        .toCompletableFuture()
                        .exceptionally(e -> null));
              }
              return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                  .thenApply(
                      done -> {
                        List<NodeLoad> answers = new ArrayList<>();
                        for (CompletableFuture<NodeLoad> a : asks) {
                          answers.add(a.join());
                        }
                        return ShadowSummary.of(model, answers);
                      });
            });
  }
}
