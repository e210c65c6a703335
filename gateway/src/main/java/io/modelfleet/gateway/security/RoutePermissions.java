package io.modelfleet.gateway.security;

import static io.modelfleet.protocol.security.Permission.DEPLOY;
import static io.modelfleet.protocol.security.Permission.INFER;
import static io.modelfleet.protocol.security.Permission.MANAGE_CLUSTER;
import static io.modelfleet.protocol.security.Permission.MANAGE_KEYS;
import static io.modelfleet.protocol.security.Permission.READ_CLUSTER;
import static io.modelfleet.protocol.security.Permission.READ_MODEL;
import static io.modelfleet.protocol.security.Permission.UPLOAD;

import io.modelfleet.protocol.security.Permission;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table of what each route of the gateway needs: pure, read before any route runs, so that the
 * routes themselves stay unaware of keys.
 *
 * <p>It mirrors the routes' own path matching (pekko-http's): segments are split on {@code /} and
 * then percent-decoded, as {@code PathMatchers.segment()} sees them; a trailing slash is accepted
 * exactly where the route uses {@code pathEndOrSingleSlash}; an empty segment matches nothing. HEAD
 * is read as GET. A path or method no route serves needs a key and nothing more ({@link
 * RouteRequirement.AnyKey}), except under {@code /v1/cluster} and {@code /v1/keys}, where it needs
 * the area's permission, so that a route added there later without a row here is not open to every
 * key. {@code RoutePermissionsTest} lists every route with its requirement.
 */
public final class RoutePermissions {

  private RoutePermissions() {}

  /** The requirement of {@code method} on {@code rawPath} (the path as sent, still encoded). */
  public static RouteRequirement of(String method, String rawPath) {
    return of(method, segments(rawPath));
  }

  /**
   * The requirement of {@code method} on the decoded path {@code s} ({@link #segments}); a trailing
   * slash is a last empty segment.
   */
  public static RouteRequirement of(String method, List<String> s) {
    String m = method.toUpperCase(Locale.ROOT);
    String verb = m.equals("HEAD") ? "GET" : m;
    if (s.isEmpty()) {
      return RouteRequirement.ANY_KEY;
    }
    RouteRequirement found =
        switch (s.get(0)) {
          case "v2" -> v2(verb, s);
          case "v1" -> v1(verb, s);
          // GET /metrics: every tenant's models are in it, so a cluster reader's key.
          case "metrics" -> s.size() == 1 ? get(verb, READ_CLUSTER, null) : null;
          default -> null;
        };
    return found != null ? found : fallback(verb, s);
  }

  private static RouteRequirement v2(String verb, List<String> s) {
    int n = s.size();
    // GET /v2 and /v2/ (server metadata).
    if (endOrSlash(s, 1)) {
      return get(verb, READ_MODEL, null);
    }
    String area = s.get(1);
    if (area.equals("health") && n == 3 && verb.equals("GET")) {
      return s.get(2).equals("live") || s.get(2).equals("ready") ? RouteRequirement.PUBLIC : null;
    }
    if (area.equals("systemsharedmemory") || area.equals("cudasharedmemory")) {
      return sharedMemory(verb, s);
    }
    if (area.equals("repository")) {
      if (n == 3 && s.get(2).equals("index")) {
        return verb.equals("POST") ? RouteRequirement.needs(READ_MODEL) : null;
      }
      if (n == 5 && s.get(2).equals("models") && named(s, 3) && verb.equals("POST")) {
        String action = s.get(4);
        return action.equals("load") || action.equals("unload")
            ? RouteRequirement.needs(DEPLOY, s.get(3))
            : null;
      }
      return null;
    }
    if (!area.equals("models") || n < 3) {
      return null;
    }
    // GET /v2/models/stats: the statistics of every model (StatsRoutes answers it first).
    if (n == 3 && s.get(2).equals("stats")) {
      return get(verb, READ_MODEL, null);
    }
    if (!named(s, 2)) {
      return null;
    }
    String model = s.get(2);
    // /v2/models/{m}[/versions/{v}]...
    int rest = 3;
    if (n >= 5 && s.get(3).equals("versions") && named(s, 4)) {
      rest = 5;
    }
    return modelAction(verb, s, rest, model);
  }

  /**
   * Triton's shared memory extensions: {@code [/region/{r}]/status} (GET), {@code
   * /region/{r}/register} and {@code [/region/{r}]/unregister} (POST). Registering makes the node
   * map a file of its host and lets every inference on the node read and write it, and the status
   * lists every client's keys: node operations, so MANAGE_CLUSTER to change and READ_CLUSTER to
   * read, as for draining a member. Using a registered region in an inference needs only the
   * model's INFER right.
   */
  private static RouteRequirement sharedMemory(String verb, List<String> s) {
    int n = s.size();
    int at = 2;
    if (n >= 4 && s.get(2).equals("region") && named(s, 3)) {
      at = 4;
    }
    if (n != at + 1) {
      return null;
    }
    return switch (s.get(at)) {
      case "status" -> get(verb, READ_CLUSTER, null);
      case "register" ->
          at == 4 && verb.equals("POST") ? RouteRequirement.needs(MANAGE_CLUSTER) : null;
      case "unregister" -> verb.equals("POST") ? RouteRequirement.needs(MANAGE_CLUSTER) : null;
      default -> null;
    };
  }

  /** What follows /v2/models/{m} or /v2/models/{m}/versions/{v}, from index {@code at}. */
  private static RouteRequirement modelAction(String verb, List<String> s, int at, String model) {
    if (endOrSlash(s, at)) {
      return get(verb, READ_MODEL, model);
    }
    if (s.size() != at + 1) {
      return null;
    }
    return switch (s.get(at)) {
      case "ready", "stats", "config" -> get(verb, READ_MODEL, model);
      case "infer" -> verb.equals("POST") ? RouteRequirement.needs(INFER, model) : null;
      default -> null;
    };
  }

  private static RouteRequirement v1(String verb, List<String> s) {
    if (s.size() < 2) {
      return null;
    }
    return switch (s.get(1)) {
      case "models" -> models(verb, s);
      case "cluster" -> cluster(verb, s);
      case "keys" -> RouteRequirement.needs(MANAGE_KEYS);
      // Every key reads usage; UsageRoutes narrows it to the key's tenant unless the key reads
      // the cluster (READ_CLUSTER in the default tenant).
      case "usage" -> s.size() == 2 ? get(verb, READ_MODEL, null) : null;
      case "alerts" -> alerts(verb, s);
      default -> null;
    };
  }

  private static RouteRequirement models(String verb, List<String> s) {
    int n = s.size();
    if (endOrSlash(s, 2)) {
      return get(verb, READ_MODEL, null);
    }
    if (!named(s, 2)) {
      return null;
    }
    String model = s.get(2);
    if (endOrSlash(s, 3)) {
      return switch (verb) {
        case "GET" -> RouteRequirement.needs(READ_MODEL, model);
        case "DELETE" -> RouteRequirement.needs(DEPLOY, model);
        default -> null;
      };
    }
    String sub = s.get(3);
    if ((sub.equals("history") || sub.equals("shadow")) && n == 4) {
      return get(verb, READ_MODEL, model);
    }
    if (sub.equals("versions") && n == 5 && named(s, 4)) {
      return switch (verb) {
        case "PUT", "POST" -> RouteRequirement.needs(UPLOAD, model);
        case "GET" -> RouteRequirement.needs(READ_MODEL, model);
        case "DELETE" -> RouteRequirement.needs(DEPLOY, model);
        default -> null;
      };
    }
    if (sub.equals("versions") && n == 6 && named(s, 4) && s.get(5).equals("validation")) {
      // A version's checks decide whether it may take traffic: a deployment-level action.
      return verb.equals("PUT") || verb.equals("DELETE")
          ? RouteRequirement.needs(DEPLOY, model)
          : null;
    }
    if (sub.equals("deployments")) {
      if (endOrSlash(s, 4)) {
        return switch (verb) {
          case "POST" -> RouteRequirement.needs(DEPLOY, model);
          case "GET" -> RouteRequirement.needs(READ_MODEL, model);
          default -> null;
        };
      }
      if (n == 5 && named(s, 4)) {
        return verb.equals("DELETE") ? RouteRequirement.needs(DEPLOY, model) : null;
      }
    }
    if (sub.equals("aliases") && n == 5 && named(s, 4)) {
      // Moving an alias moves traffic: a deployment-level action.
      return verb.equals("PUT") || verb.equals("DELETE")
          ? RouteRequirement.needs(DEPLOY, model)
          : null;
    }
    return null;
  }

  /**
   * GET /v1/alerts lists what the key sees (filtered by AlertRoutes: a model's alerts by the
   * model's visibility, the others for cluster readers); a drift reset is a deployment action on
   * its model.
   */
  private static RouteRequirement alerts(String verb, List<String> s) {
    if (endOrSlash(s, 2)) {
      return get(verb, READ_MODEL, null);
    }
    if (s.size() == 5 && s.get(2).equals("drift") && named(s, 3) && s.get(4).equals("reference")) {
      return verb.equals("POST") ? RouteRequirement.needs(DEPLOY, s.get(3)) : null;
    }
    return null;
  }

  private static RouteRequirement cluster(String verb, List<String> s) {
    int n = s.size();
    if (n >= 3 && s.get(2).equals("members")) {
      if (endOrSlash(s, 3)) {
        return get(verb, READ_CLUSTER, null);
      }
      if (n == 5 && named(s, 3)) {
        return switch (s.get(4)) {
          case "drain" ->
              verb.equals("POST") || verb.equals("DELETE")
                  ? RouteRequirement.needs(MANAGE_CLUSTER)
                  : null;
          case "leave", "down" ->
              verb.equals("POST") ? RouteRequirement.needs(MANAGE_CLUSTER) : null;
          default -> null;
        };
      }
    }
    if (n == 3 && s.get(2).equals("replicas")) {
      return get(verb, READ_CLUSTER, null);
    }
    return null;
  }

  /**
   * Paths no route serves: a key and nothing more, but the area's permission under the cluster and
   * key endpoints.
   */
  private static RouteRequirement fallback(String verb, List<String> s) {
    if (s.size() >= 2 && s.get(0).equals("v1")) {
      if (s.get(1).equals("cluster")) {
        return RouteRequirement.needs(verb.equals("GET") ? READ_CLUSTER : MANAGE_CLUSTER);
      }
      if (s.get(1).equals("keys")) {
        return RouteRequirement.needs(MANAGE_KEYS);
      }
    }
    return RouteRequirement.ANY_KEY;
  }

  /** A read route: its requirement on GET, none (fall back) on another method. */
  private static RouteRequirement get(String verb, Permission p, String model) {
    return verb.equals("GET") ? RouteRequirement.needs(p, model) : null;
  }

  /** Whether the path ends at index {@code at}, or has only a trailing slash there. */
  private static boolean endOrSlash(List<String> s, int at) {
    return s.size() == at || (s.size() == at + 1 && s.get(at).isEmpty());
  }

  /** Whether segment {@code at} exists and is not empty (what {@code segment()} matches). */
  private static boolean named(List<String> s, int at) {
    return s.size() > at && !s.get(at).isEmpty();
  }

  /**
   * The decoded segments of an encoded absolute path: {@code "/v2/models/a%2Fb/"} is {@code [v2,
   * models, a/b, ""]}. A path that is not absolute or does not decode has no segments (nothing
   * serves it).
   */
  public static List<String> segments(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return List.of();
    }
    if (rawPath.equals("/")) {
      return List.of("");
    }
    List<String> out = new ArrayList<>();
    for (String part : rawPath.substring(1).split("/", -1)) {
      try {
        // URLDecoder also turns '+' into a space; a path keeps '+' as it is.
        out.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException malformed) {
        return List.of();
      }
    }
    return out;
  }
}
