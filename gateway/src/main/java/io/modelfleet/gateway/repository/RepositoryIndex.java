package io.modelfleet.gateway.repository;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.io.IOException;
import java.util.List;

/**
 * The Triton repository index: one entry per registered model version with the state Triton clients
 * understand, derived from the replicas in the routing table.
 *
 * <pre>
 * replicas of the version              state         reason
 * any READY                            READY
 * else any LOADING                     LOADING
 * else any FAILED                      UNAVAILABLE   the failure's reason
 * else any DRAINING                    UNAVAILABLE   unloading
 * none, but deployed                   UNAVAILABLE   deployed, no replica started yet
 * none, not deployed                   UNAVAILABLE   not deployed
 * </pre>
 *
 * <p>The request body {@code {"ready": true}} keeps only the READY entries, as Triton's index with
 * {@code TRITONSERVER_INDEX_FLAG_READY} lists only what is loaded and ready for inference.
 */
public final class RepositoryIndex {

  public record Entry(String name, String version, String state, String reason) {}

  private RepositoryIndex() {}

  public static Entry entry(ModelView view, String version, RoutingTable table) {
    List<ReplicaInfo> replicas = table.replicas(view.name(), version);
    String name = view.name();
    if (has(replicas, ReplicaState.READY)) {
      return new Entry(name, version, "READY", null);
    }
    if (has(replicas, ReplicaState.LOADING)) {
      return new Entry(name, version, "LOADING", null);
    }
    for (ReplicaInfo r : replicas) {
      if (r.state() == ReplicaState.FAILED) {
        return new Entry(
            name, version, "UNAVAILABLE", r.reason() != null ? r.reason() : "failed to load");
      }
    }
    if (has(replicas, ReplicaState.DRAINING)) {
      return new Entry(name, version, "UNAVAILABLE", "unloading");
    }
    String reason =
        view.deployments().containsKey(version)
            ? "deployed, no replica started yet"
            : "not deployed";
    return new Entry(name, version, "UNAVAILABLE", reason);
  }

  /**
   * Whether the index request asks for READY entries only: {@code "ready"} of the (optional) body
   * object, false when absent.
   *
   * @throws ApiException 400 when {@code ready} is not a boolean
   */
  public static boolean readyOnly(JsonNode body) {
    JsonNode ready = body == null ? null : body.get("ready");
    if (ready == null || ready.isNull()) {
      return false;
    }
    if (!ready.isBoolean()) {
      throw ApiException.badRequest("'ready' must be a boolean, got " + Json.kind(ready));
    }
    return ready.booleanValue();
  }

  public static void write(List<ModelView> views, RoutingTable table, JsonGenerator g)
      throws IOException {
    write(views, table, false, g);
  }

  /** The index; with {@code readyOnly}, only the versions that are READY. */
  public static void write(
      List<ModelView> views, RoutingTable table, boolean readyOnly, JsonGenerator g)
      throws IOException {
    g.writeStartArray();
    for (ModelView view : views) {
      for (String version : view.versionNames()) {
        Entry e = entry(view, version, table);
        if (readyOnly && !e.state().equals("READY")) {
          continue;
        }
        g.writeStartObject();
        g.writeStringField("name", e.name());
        g.writeStringField("version", e.version());
        g.writeStringField("state", e.state());
        if (e.reason() != null) {
          g.writeStringField("reason", e.reason());
        }
        g.writeEndObject();
      }
    }
    g.writeEndArray();
  }

  private static boolean has(List<ReplicaInfo> replicas, ReplicaState state) {
    for (ReplicaInfo r : replicas) {
      if (r.state() == state) {
        return true;
      }
    }
    return false;
  }
}
