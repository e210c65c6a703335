package io.modelfleet.ops.observe;

import java.util.Arrays;

/**
 * The observers registered on one node, fanned out: each component (metrics, JMX, alerts, metering,
 * the access log) adds its own at start, and the replica and the gateway report to the fan-out.
 * Reads are lock-free (a volatile array replaced on each registration, which happens only at
 * start).
 */
public final class Observers {
  private volatile ReplicaObservers[] replicas = new ReplicaObservers[0];
  private volatile HttpObserver[] http = new HttpObserver[0];
  private volatile InferenceObserver[] inference = new InferenceObserver[0];
  private volatile HttpObserver httpFanOut = HttpObserver.NONE;
  private volatile InferenceObserver inferenceFanOut = InferenceObserver.NONE;

  public synchronized void addReplicas(ReplicaObservers o) {
    replicas = append(replicas, o);
  }

  public synchronized void addHttp(HttpObserver o) {
    http = append(http, o);
    HttpObserver[] all = http;
    httpFanOut =
        all.length == 1
            ? all[0]
            : exchange -> {
              for (HttpObserver h : all) {
                h.completed(exchange);
              }
            };
  }

  public synchronized void addInference(InferenceObserver o) {
    inference = append(inference, o);
    InferenceObserver[] all = inference;
    inferenceFanOut =
        all.length == 1
            ? all[0]
            : r -> {
              for (InferenceObserver i : all) {
                i.inferred(r);
              }
            };
  }

  /** The observer of a replica that starts serving now: every component's, fanned out. */
  public ReplicaObserver openReplica(
      String model, String version, String replicaId, String device) {
    ReplicaObservers[] all = replicas;
    ReplicaObserver[] opened = new ReplicaObserver[all.length];
    for (int i = 0; i < all.length; i++) {
      opened[i] = all[i].open(model, version, replicaId, device);
    }
    return FanOutReplicaObserver.of(opened);
  }

  /** Every HTTP observer (NONE when there is none). */
  public HttpObserver http() {
    return httpFanOut;
  }

  /** Every inference observer (NONE when there is none). */
  public InferenceObserver inference() {
    return inferenceFanOut;
  }

  private static <T> T[] append(T[] array, T item) {
    T[] longer = Arrays.copyOf(array, array.length + 1);
    longer[array.length] = item;
    return longer;
  }
}
