package io.modelfleet.protocol.model;

import java.util.List;

/**
 * The desired deployment of one version: how many replicas, on which kind of device, how requests
 * are batched, how ONNX Runtime sessions are set up, the warm-up requests a replica must pass
 * before it is READY (none: one synthetic request whose failure is only logged), whether its
 * answers may come from the node's response cache, and how the autoscaler sizes it ({@code
 * autoscaling}, null: a fixed count). An autoscaled deployment may have 0 replicas (scaled to zero)
 * and still be deployed.
 *
 * <p>Serialized with Jackson into the journal. Fields added later ({@code batching}, {@code
 * session}, {@code warmup}, {@code responseCache}, {@code autoscaling}) are absent from older
 * events and read back as null, which the constructor turns into the defaults, so old journals
 * still replay.
 */
public record DeploymentSpec(
    String version,
    int replicas,
    DeviceKind device,
    BatchingSpec batching,
    SessionSpec session,
    List<WarmupSample> warmup,
    ResponseCacheSpec responseCache,
    AutoscalingSpec autoscaling) {

  /** Upper bound on replicas per version; a typo like 1000 should be refused, not scheduled. */
  public static final int MAX_REPLICAS = 64;

  public DeploymentSpec {
    batching = batching == null ? BatchingSpec.NONE : batching;
    session = session == null ? SessionSpec.DEFAULTS : session;
    warmup = warmup == null ? List.of() : List.copyOf(warmup);
    responseCache = responseCache == null ? ResponseCacheSpec.OFF : responseCache;
  }

  /** Not autoscaled. */
  public DeploymentSpec(
      String version,
      int replicas,
      DeviceKind device,
      BatchingSpec batching,
      SessionSpec session,
      List<WarmupSample> warmup,
      ResponseCacheSpec responseCache) {
    this(version, replicas, device, batching, session, warmup, responseCache, null);
  }

  /** Without the response cache. */
  public DeploymentSpec(
      String version,
      int replicas,
      DeviceKind device,
      BatchingSpec batching,
      SessionSpec session,
      List<WarmupSample> warmup) {
    this(version, replicas, device, batching, session, warmup, ResponseCacheSpec.OFF);
  }

  /** Without warm-up samples of its own. */
  public DeploymentSpec(
      String version, int replicas, DeviceKind device, BatchingSpec batching, SessionSpec session) {
    this(version, replicas, device, batching, session, List.of());
  }

  /** The same deployment for another version name. */
  public DeploymentSpec withVersion(String newVersion) {
    return new DeploymentSpec(
        newVersion, replicas, device, batching, session, warmup, responseCache, autoscaling);
  }

  /** The same deployment with another replica count (the autoscaler's changes). */
  public DeploymentSpec withReplicas(int newReplicas) {
    return new DeploymentSpec(
        version, newReplicas, device, batching, session, warmup, responseCache, autoscaling);
  }

  /** Whether the autoscaler sizes this deployment. */
  public boolean autoscaled() {
    return autoscaling != null;
  }

  /** No server-side batching and the node's session defaults. */
  public DeploymentSpec(String version, int replicas, DeviceKind device) {
    this(
        version,
        replicas,
        device,
        BatchingSpec.NONE,
        SessionSpec.DEFAULTS,
        List.of(),
        ResponseCacheSpec.OFF);
  }
}
