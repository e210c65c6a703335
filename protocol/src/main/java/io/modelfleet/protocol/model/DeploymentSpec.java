package io.modelfleet.protocol.model;

/**
 * The desired deployment of one version: how many replicas, on which kind of device, how requests
 * are batched and how ONNX Runtime sessions are set up.
 */
public record DeploymentSpec(
    String version, int replicas, DeviceKind device, BatchingSpec batching, SessionSpec session) {

  /** Upper bound on replicas per version; a typo like 1000 should be refused, not scheduled. */
  public static final int MAX_REPLICAS = 64;

  public DeploymentSpec {
    batching = batching == null ? BatchingSpec.NONE : batching;
    session = session == null ? SessionSpec.DEFAULTS : session;
  }

  /** The same deployment for another version name. */
  public DeploymentSpec withVersion(String newVersion) {
    return new DeploymentSpec(newVersion, replicas, device, batching, session);
  }

  /** No server-side batching and the node's session defaults. */
  public DeploymentSpec(String version, int replicas, DeviceKind device) {
    this(version, replicas, device, BatchingSpec.NONE, SessionSpec.DEFAULTS);
  }
}
