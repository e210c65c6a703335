package io.modelfleet.gateway.observe;

import java.util.Set;

/**
 * The route template of a request path, for labels and the access log: names become placeholders
 * ({@code /v2/models/fraud/versions/3/infer} → {@code /v2/models/{m}/versions/{v}/infer}). A path
 * that is not one of the gateway's routes is {@code "other"}, so no client can grow the number of
 * label values by inventing paths.
 */
public final class RouteTemplates {

  /** The segments routes spell literally; every other segment is a name. */
  private static final Set<String> WORDS =
      Set.of(
          "v1",
          "v2",
          "models",
          "versions",
          "health",
          "live",
          "ready",
          "infer",
          "stats",
          "config",
          "repository",
          "index",
          "load",
          "unload",
          "deployments",
          "history",
          "aliases",
          "shadow",
          "cluster",
          "members",
          "replicas",
          "drain",
          "leave",
          "down",
          "keys",
          "metrics",
          "alerts",
          "drift",
          "reference",
          "usage",
          "access",
          "limits");

  /** The templates of the gateway's routes. */
  private static final Set<String> KNOWN =
      Set.of(
          "/metrics",
          "/v2",
          "/v2/health/live",
          "/v2/health/ready",
          "/v2/models/stats",
          "/v2/models/{m}",
          "/v2/models/{m}/ready",
          "/v2/models/{m}/infer",
          "/v2/models/{m}/stats",
          "/v2/models/{m}/config",
          "/v2/models/{m}/versions/{v}",
          "/v2/models/{m}/versions/{v}/ready",
          "/v2/models/{m}/versions/{v}/infer",
          "/v2/models/{m}/versions/{v}/stats",
          "/v2/models/{m}/versions/{v}/config",
          "/v2/repository/index",
          "/v2/repository/models/{m}/load",
          "/v2/repository/models/{m}/unload",
          "/v1/models",
          "/v1/models/{m}",
          "/v1/models/{m}/history",
          "/v1/models/{m}/shadow",
          "/v1/models/{m}/versions/{v}",
          "/v1/models/{m}/deployments",
          "/v1/models/{m}/deployments/{v}",
          "/v1/models/{m}/aliases/{alias}",
          "/v1/keys",
          "/v1/keys/{id}",
          "/v1/keys/history",
          "/v1/keys/{id}/access",
          "/v1/keys/{id}/limits",
          "/v1/cluster/members",
          "/v1/cluster/members/{address}/drain",
          "/v1/cluster/members/{address}/leave",
          "/v1/cluster/members/{address}/down",
          "/v1/cluster/replicas",
          "/v1/alerts",
          "/v1/alerts/drift/{m}/reference",
          "/v1/usage");

  private RouteTemplates() {}

  /** The template of {@code path} (without its query), or "other". */
  public static String of(String path) {
    if (path.length() > 512) {
      return "other";
    }
    StringBuilder t = new StringBuilder(path.length());
    String previous = "";
    int start = 1;
    int segments = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(start, end);
      if (!segment.isEmpty()) {
        if (++segments > 8) {
          return "other";
        }
        t.append('/').append(WORDS.contains(segment) ? segment : placeholder(previous));
        previous = segment;
      }
      start = end + 1;
    }
    String template = t.length() == 0 ? "/" : t.toString();
    return KNOWN.contains(template) ? template : "other";
  }

  private static String placeholder(String previous) {
    return switch (previous) {
      case "models", "drift" -> "{m}";
      case "versions", "deployments" -> "{v}";
      case "members" -> "{address}";
      case "keys" -> "{id}";
      case "aliases" -> "{alias}";
      default -> "{x}";
    };
  }
}
