package io.modelfleet.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.security.BearerCredentials;
import io.modelfleet.gateway.security.GatewaySecurity;
import io.modelfleet.gateway.security.Identity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * How every gRPC call is let in and answered: the access decision of the equivalent HTTP route
 * (keys, rights, tenants, the key's and tenant's rate and in-flight limits, all by {@link
 * GatewaySecurity#identify}), then the handler's future, then the observer completed with its value
 * or with the failure's {@link GrpcStatus}. Handlers never block, so this runs on the transport's
 * threads.
 */
final class GrpcAccess {

  /** The Bearer secret of the call's {@code authorization} metadata, if any. */
  private static final Context.Key<Optional<String>> SECRET = Context.key("modelfleet-secret");

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final GatewaySecurity security;

  GrpcAccess(GatewaySecurity security) {
    this.security = security;
  }

  /** Puts the call's Bearer secret where {@link #answer} reads it. */
  static ServerInterceptor credentials() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String header = headers.get(AUTHORIZATION);
        Optional<String> secret =
            header == null ? Optional.empty() : BearerCredentials.parse(header);
        return Contexts.interceptCall(
            Context.current().withValue(SECRET, secret), call, headers, next);
      }
    };
  }

  /**
   * Decides access as HTTP does for {@code method} {@code path}, runs {@code handler} and completes
   * {@code out} with its answer or the failure's status. The call's in-flight places are given back
   * once the handler's future is done.
   */
  <T> void answer(
      String method,
      String path,
      StreamObserver<T> out,
      Function<Identity, CompletionStage<T>> handler) {
    CompletionStage<T> answer;
    try {
      answer =
          security
              .identify(SECRET.get() == null ? Optional.empty() : SECRET.get(), method, path)
              .thenCompose(
                  passage -> {
                    CompletionStage<T> handled;
                    try {
                      handled = handler.apply(passage.identity());
                    } catch (RuntimeException e) {
                      handled = CompletableFuture.failedFuture(e);
                    }
                    return handled.whenComplete((v, e) -> passage.release());
                  });
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            out.onError(GrpcStatus.of(ErrorHandling.unwrap(failure)).asRuntimeException());
          } else {
            out.onNext(value);
            out.onCompleted();
          }
        });
  }

  /** The HTTP path of a model (percent-encoded, as a client would send it). */
  static String modelPath(String model, String version) {
    String path = "/v2/models/" + encode(model);
    return version == null ? path : path + "/versions/" + encode(version);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Protobuf's "not given" (the empty string) as null. */
  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
