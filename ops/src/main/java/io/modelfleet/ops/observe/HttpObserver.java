package io.modelfleet.ops.observe;

/**
 * Told of every HTTP request the gateway answers (metrics by route and status, the access log).
 * Called on the thread that completes the response; must not block.
 */
@FunctionalInterface
public interface HttpObserver {

  HttpObserver NONE = exchange -> {};

  void completed(HttpExchange exchange);
}
