package io.modelfleet.gateway.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.gateway.management.ValidationJson;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.ValidationSample;
import java.io.IOException;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The body of a Triton repository load: {@code {"parameters": {"config": "<json>",
 * "file:<version>/model.onnx": "<base64>", "file:<version>/validation.json": "<base64>", ...}}},
 * all optional. A {@code validation.json} holds the version's validation samples as {@code PUT
 * /v1/models/{m}/versions/{v}/validation} takes them ({@code {"samples": [...]}}): ModelFleet's own
 * file, so that the stability checks arrive with the version they check.
 *
 * @param config the parsed {@code parameters.config}, or null when the load carries none
 * @param files model files by version, in version order (highest last)
 * @param validation validation samples by version, from {@code validation.json} files
 */
public record LoadRequest(
    TritonConfig config,
    SortedMap<String, byte[]> files,
    SortedMap<String, List<ValidationSample>> validation) {

  private static final String FILE_PREFIX = "file:";
  private static final String MODEL_FILE = "model.onnx";
  private static final String VALIDATION_FILE = "validation.json";

  public LoadRequest(TritonConfig config, SortedMap<String, byte[]> files) {
    this(config, files, Collections.emptySortedMap());
  }

  /** With the shipped {@link DeploymentLimits}; the routes pass the node's configured ones. */
  public static LoadRequest parse(JsonNode body) {
    return parse(body, DeploymentLimits.DEFAULTS);
  }

  public static LoadRequest parse(JsonNode body, DeploymentLimits limits) {
    SortedMap<String, byte[]> files = new TreeMap<>(ModelView.VersionOrder.INSTANCE);
    SortedMap<String, List<ValidationSample>> validation =
        new TreeMap<>(ModelView.VersionOrder.INSTANCE);
    if (body == null) {
      return new LoadRequest(null, files);
    }
    if (!body.isObject()) {
      throw ApiException.badRequest(
          "the load request must be a JSON object, got " + Json.kind(body));
    }
    JsonNode params = body.get("parameters");
    if (params == null || params.isNull()) {
      return new LoadRequest(null, files);
    }
    if (!params.isObject()) {
      throw ApiException.badRequest("'parameters' must be a JSON object, got " + Json.kind(params));
    }
    TritonConfig config = null;
    for (Map.Entry<String, JsonNode> p : params.properties()) {
      String key = p.getKey();
      JsonNode value = p.getValue();
      if (key.equals("config")) {
        if (!value.isTextual()) {
          throw ApiException.badRequest(
              "parameters.config must be a string holding the model configuration as JSON, got "
                  + Json.kind(value));
        }
        config = TritonConfig.parse(value.textValue(), limits);
      } else if (isFile(key)) {
        String version = fileVersion(key);
        if (!value.isTextual()) {
          throw ApiException.badRequest(
              "parameter '" + key + "' must be a base64 string, got " + Json.kind(value));
        }
        byte[] bytes;
        try {
          bytes = decodeBase64(value.textValue());
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest(
              "parameter '" + key + "' is not valid base64: " + e.getMessage());
        }
        if (isValidation(key)) {
          validation.put(version, validationSamples(key, bytes, limits));
        } else {
          files.put(version, bytes);
        }
      }
      // Other parameters are Triton options this server does not act on; ignoring them lets
      // existing clients load models unchanged.
    }
    return new LoadRequest(
        config,
        Collections.unmodifiableSortedMap(files),
        Collections.unmodifiableSortedMap(validation));
  }

  /**
   * A load whose parameters arrived already typed (gRPC's {@code ModelRepositoryParameter}): the
   * {@code config} text, or null, and the raw bytes of each {@code file:<version>/model.onnx}
   * parameter by its name. The same checks as the JSON form.
   */
  public static LoadRequest of(
      String config, Map<String, byte[]> fileParameters, DeploymentLimits limits) {
    SortedMap<String, byte[]> files = new TreeMap<>(ModelView.VersionOrder.INSTANCE);
    SortedMap<String, List<ValidationSample>> validation =
        new TreeMap<>(ModelView.VersionOrder.INSTANCE);
    for (Map.Entry<String, byte[]> f : fileParameters.entrySet()) {
      String version = fileVersion(f.getKey());
      if (isValidation(f.getKey())) {
        validation.put(version, validationSamples(f.getKey(), f.getValue(), limits));
      } else {
        files.put(version, f.getValue());
      }
    }
    return new LoadRequest(
        config == null ? null : TritonConfig.parse(config, limits),
        Collections.unmodifiableSortedMap(files),
        Collections.unmodifiableSortedMap(validation));
  }

  /** Whether a parameter names a model file ({@code file:<version>/<name>}). */
  public static boolean isFile(String parameter) {
    return parameter.startsWith(FILE_PREFIX);
  }

  private static boolean isValidation(String key) {
    return key.endsWith("/" + VALIDATION_FILE);
  }

  private static List<ValidationSample> validationSamples(
      String key, byte[] bytes, DeploymentLimits limits) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("parameter '" + key + "' is not JSON: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw ApiException.badRequest(
          "parameter '" + key + "' must hold a JSON object {\"samples\": [...]}");
    }
    try {
      return ValidationJson.parseBody(json, limits);
    } catch (ApiException e) {
      throw ApiException.badRequest("parameter '" + key + "': " + e.getMessage());
    }
  }

  /** "file:3/model.onnx" gives "3"; any other file is refused by name. */
  private static String fileVersion(String key) {
    String path = key.substring(FILE_PREFIX.length());
    int slash = path.indexOf('/');
    String name = slash < 0 ? "" : path.substring(slash + 1);
    if (!name.equals(MODEL_FILE) && !name.equals(VALIDATION_FILE)) {
      throw ApiException.badRequest(
          "parameter '"
              + key
              + "' names an unsupported file; only '"
              + FILE_PREFIX
              + "<version>/"
              + MODEL_FILE
              + "' and '"
              + FILE_PREFIX
              + "<version>/"
              + VALIDATION_FILE
              + "' can be loaded");
    }
    String version = path.substring(0, slash);
    String problem = Names.versionProblem("version in parameter '" + key + "'", version);
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
    return version;
  }

  /**
   * Strict base64 (a typo must not silently become different model bytes), but line breaks from
   * encoders that wrap at 76 columns are allowed.
   */
  private static byte[] decodeBase64(String text) {
    String compact = text;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        compact = text.replaceAll("\\s+", "");
        break;
      }
    }
    return Base64.getDecoder().decode(compact);
  }

  /** The highest version this load uploads, or null when it uploads none. */
  public String highestUploadedVersion() {
    return files.isEmpty() ? null : files.lastKey();
  }
}
