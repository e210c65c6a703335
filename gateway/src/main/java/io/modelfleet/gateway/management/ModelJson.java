package io.modelfleet.gateway.management;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.gateway.cluster.ClusterJson;
import io.modelfleet.gateway.oip.MetadataJson;
import io.modelfleet.gateway.routing.AliasResolution;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.service.UploadOutcome;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The bodies of the management API ({@code /v1}). Field names are snake_case like the OIP's;
 * optional values (a replica's reason) are left out rather than written as null.
 */
public final class ModelJson {

  private ModelJson() {}

  /** {@code {"model", "version", "digest", "size"}}: the answer to an upload. */
  public static void stored(UploadOutcome.Stored s, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("model", s.model());
    g.writeStringField("version", s.version().version());
    g.writeStringField("digest", s.version().digest());
    g.writeNumberField("size", s.version().size());
    g.writeEndObject();
  }

  /** {@code {"models": [summary...]}}. */
  public static void list(List<ModelView> views, RoutingTable table, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("models");
    for (ModelView v : views) {
      summary(v, table, g);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** {@code {"name", "versions": [...], "deployments": [...], "ready_replicas": n}}. */
  public static void summary(ModelView view, RoutingTable table, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", view.name());
    g.writeArrayFieldStart("versions");
    for (String v : view.versionNames()) {
      g.writeString(v);
    }
    g.writeEndArray();
    deployments(view, g);
    g.writeNumberField("ready_replicas", table.readyCount(view.name()));
    g.writeEndObject();
  }

  /** Everything about one model: versions with signatures, deployments and live replicas. */
  public static void detail(ModelView view, RoutingTable table, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", view.name());
    g.writeArrayFieldStart("versions");
    for (String name : view.versionNames()) {
      version(view.versions().get(name), g);
    }
    g.writeEndArray();
    aliases(view, table, g);
    deployments(view, g);
    var active = view.activeRollout();
    if (active.isPresent()) {
      // The rollout in progress, in short; GET .../rollouts/{id} has the rest.
      var r = active.get();
      g.writeObjectFieldStart("rollout");
      g.writeStringField("id", r.id());
      g.writeStringField("version", r.spec().version());
      g.writeStringField("baseline", r.baseline());
      g.writeStringField("state", r.state().name());
      g.writeStringField("phase", r.phase());
      g.writeNumberField("percent", r.percent());
      g.writeEndObject();
    }
    g.writeArrayFieldStart("replicas");
    for (ReplicaInfo r : table.replicas(view.name())) {
      replica(r, g);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * {@code "aliases": {"stable": {"version": "2", "serving": "1", "pending": true}}}: the target,
   * the version requests go to now (left out when none) and whether the switch is still waiting for
   * the target to be warm.
   */
  private static void aliases(ModelView view, RoutingTable table, JsonGenerator g)
      throws IOException {
    g.writeObjectFieldStart("aliases");
    for (var a : view.aliases().entrySet()) {
      AliasTarget t = a.getValue();
      String serving = AliasResolution.serving(t, v -> table.isReady(view.name(), v));
      g.writeObjectFieldStart(a.getKey());
      g.writeStringField("version", t.version());
      if (serving != null) {
        g.writeStringField("serving", serving);
      }
      g.writeBooleanField("pending", AliasResolution.pending(t, serving));
      split(g, "canary", t.canary(), t.canaryPercent(), table, view.name());
      split(g, "shadow", t.shadow(), t.shadowPercent(), table, view.name());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * {@code "canary": {"version": "2", "percent": 10, "ready": true}}: one side of an alias's split
   * (left out when none); {@code ready} tells whether it takes its share now.
   */
  private static void split(
      JsonGenerator g, String field, String version, int percent, RoutingTable table, String model)
      throws IOException {
    if (version == null) {
      return;
    }
    g.writeObjectFieldStart(field);
    g.writeStringField("version", version);
    g.writeNumberField("percent", percent);
    g.writeBooleanField("ready", table.isReady(model, version));
    g.writeEndObject();
  }

  private static void version(VersionInfo v, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("version", v.version());
    g.writeStringField("digest", v.digest());
    g.writeNumberField("size", v.size());
    g.writeStringField(
        "registered_at", v.registeredAt() == null ? null : v.registeredAt().toString());
    g.writeStringField("registered_by", v.principal());
    g.writeFieldName("inputs");
    MetadataJson.writeSpecs(v.inputs(), g);
    g.writeFieldName("outputs");
    MetadataJson.writeSpecs(v.outputs(), g);
    if (!v.validation().isEmpty()) {
      // Names only: the samples' tensors can be large, and the history has who set them.
      g.writeArrayFieldStart("validation");
      for (var sample : v.validation()) {
        g.writeString(sample.name());
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void deployments(ModelView view, JsonGenerator g) throws IOException {
    g.writeArrayFieldStart("deployments");
    List<String> versions =
        view.deployments().keySet().stream().sorted(ModelView.VersionOrder.INSTANCE).toList();
    for (String v : versions) {
      DeploymentSpec d = view.deployments().get(v);
      g.writeStartObject();
      g.writeStringField("version", d.version());
      g.writeNumberField("replicas", d.replicas());
      g.writeStringField("device", d.device().wireName());
      batching(d.batching(), g);
      session(d.session(), g);
      warmup(d.warmup(), g);
      g.writeObjectFieldStart("response_cache");
      g.writeBooleanField("enable", d.responseCache().enable());
      g.writeEndObject();
      if (d.autoscaled()) {
        AutoscalingJson.write(d.autoscaling(), g);
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** Shown in Triton's names, as they are given; the effective queue bound is always shown. */
  private static void batching(BatchingSpec b, JsonGenerator g) throws IOException {
    g.writeNumberField("max_batch_size", b.maxBatchSize());
    if (b.dynamic()) {
      g.writeObjectFieldStart("dynamic_batching");
      g.writeArrayFieldStart("preferred_batch_size");
      for (int p : b.preferredBatchSizes()) {
        g.writeNumber(p);
      }
      g.writeEndArray();
      g.writeNumberField("max_queue_delay_microseconds", b.maxQueueDelayMicros());
      g.writeNumberField("max_queue_size", b.maxQueueSize());
      g.writeEndObject();
    } else {
      g.writeNumberField("max_queue_size", b.maxQueueSize());
    }
  }

  private static void session(SessionSpec s, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("ort");
    g.writeNumberField("intra_op_threads", s.intraOpThreads());
    g.writeNumberField("inter_op_threads", s.interOpThreads());
    g.writeStringField(
        "graph_optimization_level",
        s.optimizationLevel() == null ? "default" : s.optimizationLevel());
    g.writeStringField(
        "execution_mode", s.executionMode() == null ? "sequential" : s.executionMode());
    g.writeNumberField("concurrent_runs", s.runsAtOnce());
    g.writeEndObject();
  }

  /**
   * The samples without their inline values, which can be kilobytes; omitted when there are none.
   */
  private static void warmup(List<WarmupSample> samples, JsonGenerator g) throws IOException {
    if (samples.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("model_warmup");
    for (WarmupSample s : samples) {
      g.writeStartObject();
      g.writeStringField("name", s.name());
      g.writeNumberField("batch_size", s.batchSize());
      g.writeNumberField("count", s.count());
      g.writeObjectFieldStart("inputs");
      for (WarmupSample.Input in : s.inputs()) {
        g.writeObjectFieldStart(in.name());
        g.writeStringField("datatype", in.datatype().name());
        g.writeArrayFieldStart("shape");
        for (long d : in.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeStringField(
            "source",
            switch (in.fill()) {
              case ZERO -> "zero_data";
              case RANDOM -> "random_data";
              case DATA -> "input_data";
            });
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void replica(ReplicaInfo r, JsonGenerator g) throws IOException {
    g.writeStartObject();
    ClusterJson.replicaFields(r, g);
    g.writeEndObject();
  }

  /**
   * {@code {"model", "events": [{"seq", "at", "event", "principal", "request_id", "reason",
   * "details"}]}}.
   */
  public static void history(String model, List<HistoryEntry> events, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("model", model);
    g.writeArrayFieldStart("events");
    for (HistoryEntry e : events) {
      g.writeStartObject();
      g.writeNumberField("seq", e.sequenceNr());
      g.writeStringField("at", e.at() == null ? null : e.at().toString());
      g.writeStringField("event", e.event());
      g.writeStringField("principal", e.principal());
      g.writeStringField("request_id", e.requestId());
      g.writeStringField("reason", e.reason());
      g.writeFieldName("details");
      // Details are the event's own small fields (version, digest, replicas, ...): a tree is fine
      // here.
      g.writeObject(e.details() == null ? Map.of() : e.details());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
