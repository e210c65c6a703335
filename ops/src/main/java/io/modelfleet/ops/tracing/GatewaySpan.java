package io.modelfleet.ops.tracing;

/**
 * The gateway's span of one request: its {@link #traceparent} goes to the replica with the request,
 * and {@link #end} closes it with the status the client got.
 */
public interface GatewaySpan {

  /** A span that records nothing (tracing off, or the trace is not sampled). */
  GatewaySpan NONE =
      new GatewaySpan() {
        @Override
        public String traceparent() {
          return null;
        }

        @Override
        public void end(int status) {}
      };

  /** The header for the next hop, or null to send none. */
  String traceparent();

  void end(int status);
}
