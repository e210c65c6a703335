package io.modelfleet.protocol.model;

/** The desired deployment of one version: how many replicas and on which kind of device. */
public record DeploymentSpec(String version, int replicas, DeviceKind device) {

  /** Upper bound on replicas per version; a typo like 1000 should be refused, not scheduled. */
  public static final int MAX_REPLICAS = 64;
}
