package io.modelfleet.gateway;

import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.util.ByteString;

/** What every route family shares: reading a bounded JSON body and answering from a future. */
public abstract class RouteSupport extends AllDirectives {

  protected final long maxJsonBody;

  protected RouteSupport(long maxJsonBody) {
    this.maxJsonBody = maxJsonBody;
  }

  /**
   * The whole request body, at most max-json-body bytes; a larger one answers 413 without being
   * read further. Only for JSON: model files are streamed, never read whole.
   */
  protected Route jsonBody(Function<ByteString, Route> inner) {
    return extractRequestEntity(entity -> extractMaterializer(mat -> {
      OptionalLong declared = entity.getContentLengthOption();
      if (declared.isPresent() && declared.getAsLong() > maxJsonBody) {
        throw tooLarge();
      }
      CompletionStage<ByteString> body = entity.withSizeLimit(maxJsonBody).getDataBytes()
          .runFold(ByteString.emptyByteString(), ByteString::concat, mat);
      return onComplete(body, result -> {
        if (result.isFailure()) {
          Throwable t = result.failed().get();
          if (t instanceof EntityStreamSizeException) {
            throw tooLarge();
          }
          throw ApiException.badRequest("the request body could not be read: " + t.getMessage());
        }
        return inner.apply(result.get());
      });
    }));
  }

  protected ApiException tooLarge() {
    return new ApiException(413, "the request body is larger than " + maxJsonBody
        + " bytes, the limit for JSON bodies (modelfleet.gateway.max-json-body)");
  }

  /** Completes with the future's response; a failed future becomes its JSON error here. */
  protected Route respond(Caller caller, CompletionStage<HttpResponse> response) {
    return completeWithFuture(response.exceptionally(t -> ErrorHandling.response(caller, t)));
  }
}
