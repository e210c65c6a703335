package io.modelfleet.gateway.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.model.Footprint;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.io.IOException;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The bodies of the cluster endpoints ({@code /v1/cluster}). Field names are snake_case like the
 * rest of {@code /v1}; optional values are left out rather than written as null.
 */
public final class ClusterJson {

  private ClusterJson() {}

  /**
   * {@code {"members": [{"address", "roles", "status", "reachable", "leader", "oldest"?,
   * "draining", "devices", "replicas"}]}}.
   */
  public static void members(List<MemberRow> rows, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("members");
    for (MemberRow m : rows) {
      member(m, g);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void member(MemberRow m, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("address", m.address());
    g.writeArrayFieldStart("roles");
    for (String r : m.roles()) {
      g.writeString(r);
    }
    g.writeEndArray();
    g.writeStringField("status", m.status());
    g.writeBooleanField("reachable", m.reachable());
    g.writeBooleanField("leader", m.leader());
    if (m.oldest() != null) {
      g.writeBooleanField("oldest", m.oldest());
    }
    g.writeBooleanField("draining", m.draining());
    g.writeArrayFieldStart("devices");
    for (DeviceInfo d : m.devices()) {
      device(d, g);
    }
    g.writeEndArray();
    g.writeNumberField("replicas", m.replicas());
    g.writeEndObject();
  }

  private static void device(DeviceInfo d, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", d.id());
    g.writeStringField("kind", d.kind());
    g.writeStringField("name", d.name());
    g.writeStringField("uuid", d.uuid());
    g.writeNumberField("memory_total_bytes", d.memoryTotalBytes());
    g.writeNumberField("memory_free_bytes", d.memoryFreeBytes());
    g.writeNumberField("utilization_percent", d.utilizationPercent());
    g.writeBooleanField("simulated", d.simulated());
    g.writeEndObject();
  }

  /**
   * {@code {"replicas": [{"model", "id", "version", "node", "device", "state", "reason"?,
   * "footprint_bytes"?, "footprint"?, "in_flight"}]}}. {@code inFlight} gives this gateway's own
   * count of requests outstanding at a replica.
   */
  public static void replicas(
      List<ReplicaInfo> replicas, ToIntFunction<String> inFlight, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("replicas");
    for (ReplicaInfo r : replicas) {
      g.writeStartObject();
      g.writeStringField("model", r.model());
      replicaFields(r, g);
      g.writeNumberField("in_flight", inFlight.applyAsInt(r.replicaId()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** {@code {"address", "draining": true, "message"}}: the answer to a drain. */
  public static void draining(String address, String message, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("address", address);
    g.writeBooleanField("draining", true);
    g.writeStringField("message", message);
    g.writeEndObject();
  }

  /** {@code {"address", "draining": false, "message"}}: the answer to a cancelled drain. */
  public static void drainCancelled(String address, String message, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("address", address);
    g.writeBooleanField("draining", false);
    g.writeStringField("message", message);
    g.writeEndObject();
  }

  /** {@code {"address", "message"}}: the answer to a leave or a down. */
  public static void accepted(String address, String message, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("address", address);
    g.writeStringField("message", message);
    g.writeEndObject();
  }

  /**
   * What every listing of a replica shows: id, version, node, device, state, the reason when there
   * is one, and the device memory placement counts for it with how that figure was arrived at.
   */
  public static void replicaFields(ReplicaInfo r, JsonGenerator g) throws IOException {
    g.writeStringField("id", r.replicaId());
    g.writeStringField("version", r.version());
    g.writeStringField("node", r.node());
    g.writeStringField("device", r.device());
    g.writeStringField("state", r.state().name());
    if (r.reason() != null) {
      g.writeStringField("reason", r.reason());
    }
    if (r.footprintBytes() > 0) {
      g.writeNumberField("footprint_bytes", r.footprintBytes());
      g.writeStringField("footprint", Footprint.BASIS);
    }
  }
}
