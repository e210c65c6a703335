package io.modelfleet.protocol.model;

import io.modelfleet.protocol.FleetSerializable;

/** Replies of the model registry entity. */
public sealed interface ModelReply extends FleetSerializable {

  /** A version was registered ({@code created}) or was already there with the same digest. */
  record Registered(boolean created, String model, VersionInfo version) implements ModelReply {}

  /** The command took effect (or was already in effect); the model as it is now. */
  record Current(ModelView model) implements ModelReply {}

  /** The command was refused; {@code kind} tells the gateway which HTTP status it means. */
  record Rejected(Kind kind, String error) implements ModelReply {
    public enum Kind {
      NOT_FOUND,
      INVALID,
      CONFLICT
    }
  }
}
