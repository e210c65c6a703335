package io.modelfleet.protocol.security;

import java.util.Locale;

/**
 * What a request needs. Model permissions are checked against the key's tenant and grants for the
 * one model a request names (or filter what a listing shows); the others are node- or cluster-wide.
 */
public enum Permission {
  /** Inference on a model. */
  INFER(true),
  /** Metadata, readiness, configuration, statistics, versions and history of a model. */
  READ_MODEL(true),
  /** Upload a version of a model (which creates the model in the key's tenant if new). */
  UPLOAD(true),
  /** Deploy, undeploy, load, unload a model; change its deployment. */
  DEPLOY(true),
  /** Read the cluster: members, replicas, devices. */
  READ_CLUSTER(false),
  /** Change cluster membership: drain, cancel a drain, leave, down. */
  MANAGE_CLUSTER(false),
  /** Create, list, change and revoke API keys. */
  MANAGE_KEYS(false);

  private final boolean modelScoped;

  Permission(boolean modelScoped) {
    this.modelScoped = modelScoped;
  }

  /** Whether the permission applies to one model, so that tenant and grants decide. */
  public boolean modelScoped() {
    return modelScoped;
  }

  /** The name a 403 shows ("infer", "manage_keys"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
