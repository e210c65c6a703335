package io.modelfleet.node.ort;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates the process-wide ONNX Runtime environment on a thread with a large stack.
 *
 * <p>Why: ORT 1.29's native initialisation crashed the JVM (SIGSEGV, exit 139) when it ran on the
 * main thread of a JVM started with a long command line (a ~7 KB classpath was enough), as the
 * integration tests start nodes. On a thread with a 64 MiB stack it initialises normally; every
 * later ORT call works from ordinary threads.
 */
public final class OrtRuntime {
  private static final long INIT_STACK_BYTES = 64L << 20;

  private OrtRuntime() {}

  public static OrtEnvironment environment() {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                result.set(OrtEnvironment.getEnvironment());
              } catch (Throwable e) {
                result.set(e);
              }
            },
            "ort-init",
            INIT_STACK_BYTES);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
    }
    if (result.get() instanceof OrtEnvironment env) {
      return env;
    }
    throw new IllegalStateException("ONNX Runtime failed to start", (Throwable) result.get());
  }
}
