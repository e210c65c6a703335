package io.modelfleet.node.placement;

import io.modelfleet.protocol.cluster.ControllerCommand;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.service.MemberDrains;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Drains through the deployment controller, the draining set's only writer: asks the controller
 * (through this node's singleton proxy, so it works on any node) and waits at most the controller's
 * drain-answer-timeout.
 */
public final class ControllerDrains implements MemberDrains {
  private final ActorRef<ControllerCommand> controller;
  private final Duration answerTimeout;
  private final Scheduler scheduler;

  public ControllerDrains(
      ActorRef<ControllerCommand> controller, Duration answerTimeout, Scheduler scheduler) {
    this.controller = controller;
    this.answerTimeout = answerTimeout;
    this.scheduler = scheduler;
  }

  @Override
  public CompletionStage<DrainReply> drain(String address) {
    return AskPattern.ask(
        controller,
        replyTo -> new ControllerCommand.Drain(address, replyTo),
        answerTimeout,
        scheduler);
  }

  @Override
  public CompletionStage<DrainReply> cancelDrain(String address) {
    return AskPattern.ask(
        controller,
        replyTo -> new ControllerCommand.CancelDrain(address, replyTo),
        answerTimeout,
        scheduler);
  }
}
