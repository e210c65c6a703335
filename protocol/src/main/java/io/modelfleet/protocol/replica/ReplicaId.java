package io.modelfleet.protocol.replica;

/**
 * One desired replica of a deployment: "model/version/index". Names never contain '/'.
 *
 * <p>The replica is the logical slot that placement plans for. The actor that serves it is an
 * {@link Incarnation} of it: a move starts a new incarnation (the next generation) before the old
 * one stops, so both exist for a moment. {@link #parse} accepts either form and returns the slot.
 */
public record ReplicaId(String model, String version, int index) {

  /** The entity id of the first incarnation, which is the slot's own id. */
  public String entityId() {
    return model + "/" + version + "/" + index;
  }

  public Incarnation incarnation(int generation) {
    return new Incarnation(this, generation);
  }

  /** The slot of an entity id, of any generation. */
  public static ReplicaId parse(String entityId) {
    return Incarnation.parse(entityId).replica();
  }

  @Override
  public String toString() {
    return entityId();
  }

  /**
   * One actor serving a replica slot. Generation 0 is "model/version/index"; a later one adds its
   * number, "model/version/index/2", so that the sharding entity (and its shard) is new and can
   * start on the target node while the previous generation still serves.
   */
  public record Incarnation(ReplicaId replica, int generation) {
    public Incarnation {
      if (generation < 0) {
        throw new IllegalArgumentException("generation must be >= 0, got " + generation);
      }
    }

    public String entityId() {
      return generation == 0 ? replica.entityId() : replica.entityId() + "/" + generation;
    }

    public Incarnation next() {
      return new Incarnation(replica, generation + 1);
    }

    public static Incarnation parse(String entityId) {
      String[] parts = entityId.split("/");
      if (parts.length != 3 && parts.length != 4) {
        throw new IllegalArgumentException(
            "replica id '" + entityId + "' is not model/version/index[/generation]");
      }
      try {
        ReplicaId slot = new ReplicaId(parts[0], parts[1], Integer.parseInt(parts[2]));
        return new Incarnation(slot, parts.length == 4 ? Integer.parseInt(parts[3]) : 0);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "replica id '" + entityId + "' has a non-numeric index or generation");
      }
    }

    @Override
    public String toString() {
      return entityId();
    }
  }
}
