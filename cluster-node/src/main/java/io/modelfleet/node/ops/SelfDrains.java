package io.modelfleet.node.ops;

import io.modelfleet.gateway.cluster.DrainRules;
import io.modelfleet.ops.jmx.ClusterSnapshot;
import io.modelfleet.ops.jmx.ClusterSource;
import io.modelfleet.ops.jmx.NodeControl;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.service.MemberDrains;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains this node from the Node MBean the way {@code POST /v1/cluster/members/{address}/drain}
 * does: the same {@link DrainRules} refusal, then the same request to the deployment controller
 * ({@link MemberDrains}), answered with the outcome as a sentence. It runs on the JMX client's RMI
 * thread and waits at most the controller's answer timeout plus a second.
 */
final class SelfDrains implements NodeControl {
  private static final Logger log = LoggerFactory.getLogger(SelfDrains.class);

  static final String DRAINING =
      " is to be drained: its replicas move to other workers, then it leaves the cluster"
          + " (its process stops)";
  static final String CANCELLED =
      ": the drain is cancelled; the node takes replicas again, replicas already moved stay where"
          + " they are";
  static final String NOT_DRAINING = " was not being drained; nothing changed";

  private final ClusterSource cluster;
  private final Supplier<Set<String>> draining;
  private final MemberDrains drains;
  private final Duration wait;

  SelfDrains(
      ClusterSource cluster,
      Supplier<Set<String>> draining,
      MemberDrains drains,
      Duration answerTimeout) {
    this.cluster = cluster;
    this.draining = draining;
    this.drains = drains;
    this.wait = answerTimeout.plusSeconds(1);
  }

  @Override
  public String drain() {
    ClusterSnapshot s = cluster.snapshot();
    Optional<String> refusal = DrainRules.drainRefusal(s.self(), rulesMembers(s), draining.get());
    if (refusal.isPresent()) {
      return "refused: " + refusal.get();
    }
    return answer(s.self(), drains.drain(s.self()), "drain", "node " + s.self() + DRAINING);
  }

  @Override
  public String cancelDrain() {
    ClusterSnapshot s = cluster.snapshot();
    String status =
        s.members().stream()
            .filter(m -> m.address().equals(s.self()))
            .map(ClusterSnapshot.Member::status)
            .findFirst()
            .orElse("Removed");
    Optional<String> refusal = DrainRules.cancelRefusal(s.self(), status);
    if (refusal.isPresent()) {
      return "refused: " + refusal.get();
    }
    boolean was = draining.get().contains(s.self());
    return answer(
        s.self(),
        drains.cancelDrain(s.self()),
        "cancellation of the drain",
        "node " + s.self() + (was ? CANCELLED : NOT_DRAINING));
  }

  /** The controller's answer as a sentence: {@code done} when the change was written. */
  private String answer(String self, CompletionStage<DrainReply> asked, String what, String done) {
    DrainReply reply;
    try {
      reply = asked.toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      reply = new DrainReply.Unanswered(self);
    } catch (ExecutionException e) {
      reply =
          e.getCause() instanceof TimeoutException
              ? new DrainReply.Unanswered(self)
              : new DrainReply.Failed(self, String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted before the deployment controller answered; check the node's Draining"
          + " attribute";
    }
    if (reply instanceof DrainReply.Written || reply instanceof DrainReply.WrittenLocally) {
      log.info("{} of {} requested over JMX", what, self);
      return done;
    }
    if (reply instanceof DrainReply.Failed f) {
      return "the " + what + " of " + self + " failed: " + f.reason();
    }
    return "the deployment controller did not confirm the "
        + what
        + " of "
        + self
        + " in time (it may be restarting or moving to another node); it may still take"
        + " effect: check the Draining attribute, and repeat the operation, which is safe";
  }

  private static List<DrainRules.Member> rulesMembers(ClusterSnapshot s) {
    return s.members().stream()
        .map(
            m ->
                new DrainRules.Member(
                    m.address(), m.roles().contains(ClusterKeys.ROLE_WORKER), m.status()))
        .toList();
  }
}
