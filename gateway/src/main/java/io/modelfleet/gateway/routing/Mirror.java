package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import java.util.concurrent.CompletionStage;

/**
 * Sends copies of requests to an alias's shadow version and compares the answers (see the gateway's
 * shadow package). The dispatcher calls it after it sent the original; it must return at once and
 * never affect the original's answer.
 */
public interface Mirror {

  /** Does nothing. */
  Mirror NONE = (model, baseline, candidate, request, primary, deadline) -> {};

  /**
   * A copy of {@code request}, which {@code baseline} answers as {@code primary}, may go to {@code
   * candidate}; {@code deadline} ({@link System#nanoTime}) is the original's.
   */
  void mirror(
      String model,
      String baseline,
      String candidate,
      InferRequest request,
      CompletionStage<InferReply> primary,
      long deadline);

  /** How a mirror sends its copy: to a Ready replica of the version, by the deadline. */
  @FunctionalInterface
  interface Sender {
    CompletionStage<InferReply> send(
        String model, String version, InferRequest request, long deadline);
  }
}
