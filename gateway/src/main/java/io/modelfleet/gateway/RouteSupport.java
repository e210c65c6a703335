package io.modelfleet.gateway;

import io.modelfleet.gateway.memory.BodyAdmission;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** What every route family shares: reading a bounded, budgeted body and answering from a future. */
public abstract class RouteSupport extends AllDirectives {

  protected final long maxJsonBody;

  protected RouteSupport(long maxJsonBody) {
    this.maxJsonBody = maxJsonBody;
  }

  /**
   * Heap a body read as a JSON tree takes per byte of body: the body, the tree's copies of its
   * strings (a base64 model in a repository load is one string), and what is decoded from them.
   */
  protected static final long TREE_BYTES_PER_BODY_BYTE = 3;

  /**
   * Turns an exception of the inner route into a failed result, so the ticket is released on it
   * too.
   */
  private static final ExceptionHandler AS_FAILED_RESULT =
      ExceptionHandler.newBuilder().matchAny(Directives::failWith).build();

  /**
   * The whole request body, at most max-json-body bytes (a larger one answers 413 without being
   * read further), read as a JSON tree by {@code inner}. Admitted against the node's memory budget
   * first ({@link BodyAdmission}), at {@link #TREE_BYTES_PER_BODY_BYTE} per body byte, and released
   * when the route's answer exists. Only for JSON: model files are streamed, never read whole.
   */
  protected Route jsonBody(Function<ByteString, Route> inner) {
    return budgetedBody(
        TREE_BYTES_PER_BODY_BYTE, (body, ticket) -> releasedAfter(ticket, () -> inner.apply(body)));
  }

  /**
   * The whole request body, read only once the memory budget admits {@code bytesPerByte} times its
   * Content-Length (a body without one is charged chunk by chunk as it arrives). A refused body is
   * read and thrown away first, so that a client still sending it gets the answer rather than a
   * reset connection. {@code inner} owns the ticket and must release it (see {@link
   * #releasedAfter}).
   */
  protected Route budgetedBody(
      long bytesPerByte, BiFunction<ByteString, BodyAdmission.Ticket, Route> inner) {
    return extractActorSystem(
        system ->
            extractRequestEntity(
                entity ->
                    extractMaterializer(
                        mat -> {
                          OptionalLong declared = entity.getContentLengthOption();
                          if (declared.isPresent() && declared.getAsLong() > maxJsonBody) {
                            throw tooLarge();
                          }
                          BodyAdmission admission = BodyAdmission.get(system);
                          // A small body usually arrives with its head (a strict entity): admitted
                          // at once when there is room, it needs no stream and no future. The rest
                          // take the general path below.
                          if (entity instanceof HttpEntity.Strict strict && declared.isPresent()) {
                            BodyAdmission.Ticket now =
                                admission.admitNow(declared.getAsLong() * bytesPerByte);
                            if (now != null) {
                              return inner.apply(strict.getData(), now);
                            }
                          }
                          CompletionStage<Admitted> admitted =
                              admission
                                  .admit(declared.orElse(0) * bytesPerByte)
                                  .exceptionallyCompose(
                                      refused ->
                                          entity
                                              .discardBytes(mat)
                                              .completionStage()
                                              .handle(
                                                  (done, ignored) -> {
                                                    throw new CompletionException(
                                                        ErrorHandling.unwrap(refused));
                                                  }))
                                  .thenCompose(
                                      ticket -> {
                                        try {
                                          return readWhole(
                                              entity, declared, bytesPerByte, ticket, mat);
                                        } catch (RuntimeException | Error e) {
                                          ticket.release();
                                          throw e;
                                        }
                                      });
                          return onComplete(
                              admitted,
                              result -> {
                                if (result.isFailure()) {
                                  Throwable t = ErrorHandling.unwrap(result.failed().get());
                                  if (t instanceof EntityStreamSizeException) {
                                    throw tooLarge();
                                  }
                                  if (t instanceof ApiException e) {
                                    throw e;
                                  }
                                  throw ApiException.badRequest(
                                      "the request body could not be read: " + t.getMessage());
                                }
                                return inner.apply(result.get().body(), result.get().ticket());
                              });
                        })));
  }

  /** Reads the admitted body whole; releases {@code ticket} itself when the read fails. */
  private CompletionStage<Admitted> readWhole(
      RequestEntity entity,
      OptionalLong declared,
      long bytesPerByte,
      BodyAdmission.Ticket ticket,
      Materializer mat) {
    Source<ByteString, ?> data = entity.withSizeLimit(maxJsonBody).getDataBytes();
    // A body without a length is charged as it arrives; once refused, the rest is read
    // and dropped, so that the client gets the answer rather than a reset connection.
    AtomicReference<ApiException> refused = new AtomicReference<>();
    if (declared.isEmpty()) {
      data =
          data.map(
              chunk -> {
                if (refused.get() != null) {
                  return ByteString.emptyByteString();
                }
                try {
                  ticket.reserveBody(chunk.size() * bytesPerByte);
                  return chunk;
                } catch (ApiException e) {
                  refused.set(e);
                  return ByteString.emptyByteString();
                }
              });
    }
    return data.runFold(ByteString.emptyByteString(), ByteString::concat, mat)
        .handle(
            (body, failure) -> {
              if (failure != null || refused.get() != null) {
                ticket.release();
                throw new CompletionException(failure != null ? failure : refused.get());
              }
              return new Admitted(body, ticket);
            });
  }

  /** Runs {@code inner} and releases {@code ticket} once its result exists, whatever it is. */
  protected Route releasedAfter(BodyAdmission.Ticket ticket, Supplier<Route> inner) {
    return mapRouteResultFuture(
        result -> result.whenComplete((r, e) -> ticket.release()),
        () -> handleExceptions(AS_FAILED_RESULT, inner));
  }

  private record Admitted(ByteString body, BodyAdmission.Ticket ticket) {}

  protected ApiException tooLarge() {
    return new ApiException(
        413,
        "the request body is larger than "
            + maxJsonBody
            + " bytes, the limit for JSON bodies (modelfleet.gateway.max-json-body)");
  }

  /** Completes with the future's response; a failed future becomes its JSON error here. */
  protected Route respond(Caller caller, CompletionStage<HttpResponse> response) {
    return completeWithFuture(response.exceptionally(t -> ErrorHandling.response(caller, t)));
  }
}
