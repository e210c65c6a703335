package io.modelfleet.protocol.replica;

/** The sharding entity id of a replica: "model/version/index". Names never contain '/'. */
public record ReplicaId(String model, String version, int index) {

  public String entityId() {
    return model + "/" + version + "/" + index;
  }

  public static ReplicaId parse(String entityId) {
    String[] parts = entityId.split("/");
    if (parts.length != 3) {
      throw new IllegalArgumentException("replica id '" + entityId + "' is not model/version/index");
    }
    return new ReplicaId(parts[0], parts[1], Integer.parseInt(parts[2]));
  }

  @Override
  public String toString() {
    return entityId();
  }
}
