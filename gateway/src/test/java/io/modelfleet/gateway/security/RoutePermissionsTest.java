package io.modelfleet.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.protocol.security.Permission;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.Uri;
import org.junit.jupiter.api.Test;

/** Every route the gateway serves, with what it needs. */
class RoutePermissionsTest {

  private static final String PUBLIC = "public";
  private static final String ANY_KEY = "any key";

  /** method, path, expected: "public", "any key", "permission" or "permission model". */
  private static final String[][] TABLE = {
    // Health probes: the only public routes.
    {"GET", "/v2/health/live", PUBLIC},
    {"GET", "/v2/health/ready", PUBLIC},
    {"HEAD", "/v2/health/ready", PUBLIC},
    {"POST", "/v2/health/live", ANY_KEY},
    {"GET", "/v2/health/live/", ANY_KEY},
    {"GET", "/v2/health", ANY_KEY},
    // Server metadata.
    {"GET", "/v2", "read_model"},
    {"GET", "/v2/", "read_model"},
    {"POST", "/v2", ANY_KEY},
    // Model metadata, readiness, statistics, configuration, inference.
    {"GET", "/v2/models/fraud", "read_model fraud"},
    {"GET", "/v2/models/fraud/", "read_model fraud"},
    {"GET", "/v2/models/fraud/ready", "read_model fraud"},
    {"GET", "/v2/models/fraud/stats", "read_model fraud"},
    {"GET", "/v2/models/fraud/config", "read_model fraud"},
    {"POST", "/v2/models/fraud/infer", "infer fraud"},
    {"GET", "/v2/models/fraud/infer", ANY_KEY},
    {"GET", "/v2/models/fraud/versions/2", "read_model fraud"},
    {"GET", "/v2/models/fraud/versions/2/", "read_model fraud"},
    {"GET", "/v2/models/fraud/versions/2/ready", "read_model fraud"},
    {"GET", "/v2/models/fraud/versions/2/stats", "read_model fraud"},
    {"GET", "/v2/models/fraud/versions/2/config", "read_model fraud"},
    {"POST", "/v2/models/fraud/versions/2/infer", "infer fraud"},
    {"HEAD", "/v2/models/fraud", "read_model fraud"},
    {"POST", "/v2/models/fraud/ready", ANY_KEY},
    {"GET", "/v2/models/fraud/versions", ANY_KEY},
    {"GET", "/v2/models/fraud/versions/2/other", ANY_KEY},
    {"GET", "/v2/models//ready", ANY_KEY},
    // The statistics of every model (a listing), and a model that happens to be called "stats".
    {"GET", "/v2/models/stats", "read_model"},
    {"GET", "/v2/models/stats/", "read_model stats"},
    {"GET", "/v2/models/stats/ready", "read_model stats"},
    {"POST", "/v2/models/stats/infer", "infer stats"},
    {"GET", "/v2/models", ANY_KEY},
    // Triton's model repository.
    {"POST", "/v2/repository/index", "read_model"},
    {"GET", "/v2/repository/index", ANY_KEY},
    {"POST", "/v2/repository/models/fraud/load", "deploy fraud"},
    {"POST", "/v2/repository/models/fraud/unload", "deploy fraud"},
    {"GET", "/v2/repository/models/fraud/load", ANY_KEY},
    {"POST", "/v2/repository/models/fraud/delete", ANY_KEY},
    // Triton's shared memory extensions: node operations.
    {"GET", "/v2/systemsharedmemory/status", "read_cluster"},
    {"GET", "/v2/systemsharedmemory/region/in0/status", "read_cluster"},
    {"POST", "/v2/systemsharedmemory/region/in0/register", "manage_cluster"},
    {"POST", "/v2/systemsharedmemory/region/in0/unregister", "manage_cluster"},
    {"POST", "/v2/systemsharedmemory/unregister", "manage_cluster"},
    {"POST", "/v2/systemsharedmemory/register", ANY_KEY},
    {"GET", "/v2/systemsharedmemory/region/in0/register", ANY_KEY},
    {"POST", "/v2/systemsharedmemory/status", ANY_KEY},
    {"GET", "/v2/systemsharedmemory/region//status", ANY_KEY},
    {"GET", "/v2/cudasharedmemory/status", "read_cluster"},
    {"POST", "/v2/cudasharedmemory/region/g0/register", "manage_cluster"},
    {"POST", "/v2/cudasharedmemory/unregister", "manage_cluster"},
    // Management: models, versions, deployments, history.
    {"GET", "/v1/models", "read_model"},
    {"GET", "/v1/models/", "read_model"},
    {"GET", "/v1/models/fraud", "read_model fraud"},
    {"GET", "/v1/models/fraud/", "read_model fraud"},
    {"DELETE", "/v1/models/fraud", "deploy fraud"},
    {"PUT", "/v1/models/fraud/versions/3", "upload fraud"},
    {"POST", "/v1/models/fraud/versions/3", "upload fraud"},
    {"GET", "/v1/models/fraud/versions/3", "read_model fraud"},
    {"DELETE", "/v1/models/fraud/versions/3", "deploy fraud"},
    {"POST", "/v1/models/fraud/deployments", "deploy fraud"},
    {"POST", "/v1/models/fraud/deployments/", "deploy fraud"},
    {"GET", "/v1/models/fraud/deployments", "read_model fraud"},
    {"DELETE", "/v1/models/fraud/deployments/3", "deploy fraud"},
    {"PUT", "/v1/models/fraud/aliases/stable", "deploy fraud"},
    {"DELETE", "/v1/models/fraud/aliases/stable", "deploy fraud"},
    {"GET", "/v1/models/fraud/aliases/stable", ANY_KEY},
    {"PUT", "/v1/models/fraud/versions/2/validation", "deploy fraud"},
    {"DELETE", "/v1/models/fraud/versions/2/validation", "deploy fraud"},
    {"GET", "/v1/models/fraud/history", "read_model fraud"},
    {"POST", "/v1/models/fraud/rollouts", "deploy fraud"},
    {"GET", "/v1/models/fraud/rollouts", "read_model fraud"},
    {"GET", "/v1/models/fraud/rollouts/1", "read_model fraud"},
    {"POST", "/v1/models/fraud/rollouts/1/abort", "deploy fraud"},
    {"POST", "/v1/models/fraud/rollouts/1/promote", "deploy fraud"},
    {"GET", "/v1/models/fraud/rollouts/1/abort", ANY_KEY},
    {"DELETE", "/v1/models/fraud/rollouts/1", ANY_KEY},
    {"POST", "/v1/models", ANY_KEY},
    {"PUT", "/v1/models/fraud/versions/", ANY_KEY},
    // Cluster: reads, and membership changes (admin only).
    {"GET", "/v1/cluster/members", "read_cluster"},
    {"GET", "/v1/cluster/members/", "read_cluster"},
    {"GET", "/v1/cluster/replicas", "read_cluster"},
    {"POST", "/v1/cluster/members/pekko:%2F%2Fmodelfleet@10.0.0.1:2551/drain", "manage_cluster"},
    {"DELETE", "/v1/cluster/members/pekko:%2F%2Fmodelfleet@10.0.0.1:2551/drain", "manage_cluster"},
    {"POST", "/v1/cluster/members/pekko:%2F%2Fmodelfleet@10.0.0.1:2551/leave", "manage_cluster"},
    {"POST", "/v1/cluster/members/pekko:%2F%2Fmodelfleet@10.0.0.1:2551/down", "manage_cluster"},
    // ... and what no cluster route serves still needs the area's permission.
    {"POST", "/v1/cluster/members/pekko://modelfleet@10.0.0.1:2551/down", "manage_cluster"},
    {"GET", "/v1/cluster/members/x/down", "read_cluster"},
    {"POST", "/v1/cluster/anything", "manage_cluster"},
    {"GET", "/v1/cluster", "read_cluster"},
    // Alerts: a listing filtered by what the key sees; a drift reset deploys the model.
    {"GET", "/v1/alerts", "read_model"},
    {"GET", "/v1/alerts/", "read_model"},
    {"POST", "/v1/alerts/drift/fraud/reference", "deploy fraud"},
    {"GET", "/v1/alerts/drift/fraud/reference", ANY_KEY},
    {"POST", "/v1/alerts", ANY_KEY},
    // Prometheus metrics: every tenant's models are in them.
    {"GET", "/metrics", "read_cluster"},
    {"HEAD", "/metrics", "read_cluster"},
    {"POST", "/metrics", ANY_KEY},
    {"GET", "/metrics/", ANY_KEY},
    // Keys.
    {"GET", "/v1/keys", "manage_keys"},
    {"POST", "/v1/keys", "manage_keys"},
    {"GET", "/v1/keys/history", "manage_keys"},
    {"GET", "/v1/keys/k-1", "manage_keys"},
    {"DELETE", "/v1/keys/k-1", "manage_keys"},
    {"PUT", "/v1/keys/k-1/access", "manage_keys"},
    {"PUT", "/v1/keys/k-1/limits", "manage_keys"},
    {"PATCH", "/v1/keys/k-1/whatever", "manage_keys"},
    // Usage: every key, narrowed to its tenant by the route unless it reads the cluster.
    {"GET", "/v1/usage", "read_model"},
    {"POST", "/v1/usage", ANY_KEY},
    {"GET", "/v1/usage/", ANY_KEY},
    // Paths nobody serves: a key, so that anonymous callers learn nothing from a 404.
    {"GET", "/", ANY_KEY},
    {"GET", "/favicon.ico", ANY_KEY},
    {"GET", "/v3/models/fraud", ANY_KEY},
    {"GET", "/v1", ANY_KEY},
    {"GET", "/v1/other", ANY_KEY},
    {"GET", "relative", ANY_KEY},
    {"GET", "/v2/models/bad%zz", ANY_KEY},
  };

  @Test
  void everyRouteHasItsRequirement() {
    List<String> wrong = new ArrayList<>();
    for (String[] row : TABLE) {
      String got = describe(RoutePermissions.of(row[0], row[1]));
      if (!got.equals(row[2])) {
        wrong.add(row[0] + " " + row[1] + ": expected " + row[2] + ", got " + got);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void segmentsAreDecodedAfterSplitting() {
    assertEquals(
        "infer team/a+b", describe(RoutePermissions.of("post", "/v2/models/team%2Fa+b/infer")));
    assertEquals(
        List.of("v2", "models", "a b", ""), RoutePermissions.segments("/v2/models/a%20b/"));
    assertEquals(List.of(""), RoutePermissions.segments("/"));
    assertEquals(List.of(), RoutePermissions.segments(""));
  }

  @Test
  void pekkoHandsThePathStillEncoded() {
    // Authentication reads HttpRequest.getUri().path(): it must be the encoded path, so that an
    // encoded slash stays inside its segment as the routes' segment() matcher sees it.
    Uri uri = Uri.create("http://h/v2/models/a%2Fb/infer?x=1");
    assertEquals("/v2/models/a%2Fb/infer", uri.path());
    assertEquals("infer a/b", describe(RoutePermissions.of("POST", uri.path())));
  }

  static String describe(RouteRequirement r) {
    if (r instanceof RouteRequirement.Public) {
      return PUBLIC;
    }
    if (r instanceof RouteRequirement.AnyKey) {
      return ANY_KEY;
    }
    RouteRequirement.Needs n = (RouteRequirement.Needs) r;
    Permission p = n.permission();
    return n.model() == null ? p.label() : p.label() + " " + n.model();
  }
}
