package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.io.IOException;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** The metadata bodies of the OIP: server metadata, model metadata and readiness answers. */
public final class MetadataJson {

  public static final String SERVER_NAME = "modelfleet";
  public static final String SERVER_VERSION = "0.1.0";

  /** Only what is implemented: clients probe these names before using an extension. */
  public static final List<String> EXTENSIONS =
      List.of(
          "binary_tensor_data",
          "model_configuration",
          "model_repository",
          "statistics",
          "system_shared_memory");

  /** Every model is an ONNX file run by ONNX Runtime; Triton's name for that platform. */
  public static final String PLATFORM = "onnxruntime_onnx";

  private MetadataJson() {}

  public static HttpResponse server() {
    return Json.ok(
        g -> {
          g.writeStartObject();
          g.writeStringField("name", SERVER_NAME);
          g.writeStringField("version", SERVER_VERSION);
          g.writeArrayFieldStart("extensions");
          for (String e : EXTENSIONS) {
            g.writeString(e);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** {@code {"name", "versions", "platform", "inputs", "outputs"}} for one version of the model. */
  public static HttpResponse model(ModelView view, VersionInfo version) {
    return Json.ok(
        g -> {
          g.writeStartObject();
          g.writeStringField("name", view.name());
          g.writeArrayFieldStart("versions");
          for (String v : view.versionNames()) {
            g.writeString(v);
          }
          g.writeEndArray();
          g.writeStringField("platform", PLATFORM);
          g.writeFieldName("inputs");
          writeSpecs(version.inputs(), g);
          g.writeFieldName("outputs");
          writeSpecs(version.outputs(), g);
          g.writeEndObject();
        });
  }

  /** {@code [{"name", "datatype", "shape"}]}; -1 marks a dynamic dimension, as in Triton. */
  public static void writeSpecs(List<TensorSpec> specs, JsonGenerator g) throws IOException {
    g.writeStartArray();
    for (TensorSpec s : specs) {
      g.writeStartObject();
      g.writeStringField("name", s.name());
      g.writeStringField("datatype", s.datatype().name());
      g.writeArrayFieldStart("shape");
      for (Long d : s.shape()) {
        g.writeNumber(d);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  public static HttpResponse modelReady(String model) {
    return Json.ok(
        g -> {
          g.writeStartObject();
          g.writeStringField("name", model);
          g.writeBooleanField("ready", true);
          g.writeEndObject();
        });
  }

  /** 503 that still carries {@code "ready": false} for clients that read only that field. */
  public static HttpResponse modelNotReady(String model, String error) {
    return Json.response(
        503,
        g -> {
          g.writeStartObject();
          g.writeStringField("name", model);
          g.writeBooleanField("ready", false);
          g.writeStringField("error", error);
          g.writeEndObject();
        });
  }

  public static HttpResponse live() {
    return Json.ok(
        g -> {
          g.writeStartObject();
          g.writeBooleanField("live", true);
          g.writeEndObject();
        });
  }

  public static HttpResponse ready(String problem) {
    if (problem == null) {
      return Json.ok(
          g -> {
            g.writeStartObject();
            g.writeBooleanField("ready", true);
            g.writeEndObject();
          });
    }
    return Json.response(
        503,
        g -> {
          g.writeStartObject();
          g.writeBooleanField("ready", false);
          g.writeStringField("error", problem);
          g.writeEndObject();
        });
  }
}
