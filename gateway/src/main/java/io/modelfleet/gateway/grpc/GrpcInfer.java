package io.modelfleet.gateway.grpc;

import static io.modelfleet.gateway.grpc.GrpcAccess.emptyToNull;
import static io.modelfleet.gateway.grpc.GrpcAccess.modelPath;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.memory.BodyAdmission;
import io.modelfleet.gateway.observe.InferenceRecords;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.ClientGone;
import io.modelfleet.gateway.routing.InferenceDispatcher;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.gateway.shm.ShmRef;
import io.modelfleet.gateway.shm.ShmTensors;
import io.modelfleet.ops.observe.InferenceObserver;
import io.modelfleet.ops.observe.Observers;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code ModelInfer}: the same path as an HTTP inference. The call is let in by the HTTP route's
 * access decision and limits ({@link GrpcAccess}); its message (already within the gateway's
 * max-json-body, the server's max inbound message size) is admitted against the gateway's memory
 * budget for requests in flight ({@link BodyAdmission}, shared with HTTP: the message's size first,
 * waiting up to body-admission-wait, then each decoded input before it is allocated, then the
 * outputs before they are sent); then it goes through the same {@link InferenceDispatcher}, and its
 * usage record is written as HTTP writes it.
 */
final class GrpcInfer {

  private final GrpcAccess access;
  private final RegistryClient registry;
  private final InferenceDispatcher dispatcher;
  private final Observers observers;
  private final BodyAdmission admission;
  private final ShmTensors shm;

  GrpcInfer(
      GrpcAccess access,
      RegistryClient registry,
      InferenceDispatcher dispatcher,
      Observers observers,
      BodyAdmission admission,
      ShmTensors shm) {
    this.shm = shm;
    this.access = access;
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.observers = observers;
    this.admission = admission;
  }

  void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    // The call's context is cancelled when the client cancels (or its deadline passes, or the
    // connection drops), and also once the call is over, when no request watches any more.
    ClientGone gone = new ClientGone();
    Context.current().addListener(c -> gone.fire(), Runnable::run);
    String model = request.getModelName();
    String version = emptyToNull(request.getModelVersion());
    access.answer(
        "POST",
        modelPath(model, version) + "/infer",
        out,
        who -> {
          long size = request.getSerializedSize();
          BodyAdmission.Ticket now = admission.admitNow(size);
          // A ticket that had to wait is granted on the thread that released memory (an ORT
          // thread, a replica): decoding and dispatching this request must not run there.
          CompletionStage<BodyAdmission.Ticket> ticket =
              now != null
                  ? CompletableFuture.completedFuture(now)
                  : admission.admit(size).thenApplyAsync(t -> t, dispatcher.executor());
          return ticket.thenCompose(
              t -> {
                CompletionStage<ModelInferResponse> answer;
                try {
                  answer = infer(who, model, version, request, t, gone);
                } catch (RuntimeException e) {
                  answer = CompletableFuture.failedFuture(e);
                } catch (Error e) {
                  // An OutOfMemoryError while decoding is exactly when the budget must not lose
                  // this share.
                  t.release();
                  throw e;
                }
                return answer.whenComplete((r, e) -> t.release());
              });
        });
  }

  private CompletionStage<ModelInferResponse> infer(
      Identity who,
      String model,
      String version,
      ModelInferRequest request,
      BodyAdmission.Ticket ticket,
      ClientGone gone) {
    InferRequest decoded;
    Map<String, ShmRef> shmOutputs;
    try {
      decoded = GrpcTensors.request(request, ticket, shm);
      shmOutputs = GrpcShmParameters.outputs(request);
      shm.checkOutputs(shmOutputs);
    } catch (ApiException e) {
      return e.status() == 400
          ? Readiness.unlessUnknown(registry, model, version, e)
          : CompletableFuture.failedFuture(e);
    }
    // Raw outputs follow raw inputs; inputs in shared memory are raw bytes too (Triton answers
    // raw_output_contents always).
    boolean raw =
        request.getRawInputContentsCount() > 0 || GrpcShmParameters.anyInputInShm(request);
    return dispatcher
        .infer(model, version, decoded, gone)
        .whenComplete((reply, e) -> record(who, model, decoded, reply))
        .thenApply(
            reply -> {
              if (reply instanceof InferReply.InferFailure f) {
                throw new ApiException(f.status(), f.error());
              }
              InferReply.InferResult result = (InferReply.InferResult) reply;
              long bytes = 0;
              for (Tensor t : result.outputs()) {
                bytes += t.data().length;
              }
              ticket.reserveResponse(bytes);
              if (!shmOutputs.isEmpty()) {
                shm.writeOutputs(result.outputs(), shmOutputs);
              }
              return GrpcTensors.response(result, raw, shmOutputs);
            });
  }

  /** The usage record of an answered inference, as HTTP writes it. */
  private void record(Identity who, String model, InferRequest request, InferReply reply) {
    InferenceObserver observer = observers.inference();
    if (reply != null && observer != InferenceObserver.NONE) {
      Caller caller = new Caller(who.principal(), request.id(), who);
      observer.inferred(InferenceRecords.of(caller, model, request, reply));
    }
  }
}
