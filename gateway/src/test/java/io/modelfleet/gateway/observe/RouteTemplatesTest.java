package io.modelfleet.gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

  @Test
  void namesBecomePlaceholders() {
    assertEquals("/v2/models/{m}/infer", RouteTemplates.of("/v2/models/fraud/infer"));
    assertEquals(
        "/v2/models/{m}/versions/{v}/infer",
        RouteTemplates.of("/v2/models/fraud/versions/3/infer"));
    assertEquals("/v2/models/{m}", RouteTemplates.of("/v2/models/fraud/"));
    assertEquals("/v2/health/ready", RouteTemplates.of("/v2/health/ready"));
    assertEquals("/v1/models/{m}/deployments/{v}", RouteTemplates.of("/v1/models/a/deployments/2"));
    assertEquals(
        "/v1/models/{m}/aliases/{alias}", RouteTemplates.of("/v1/models/a/aliases/stable"));
    assertEquals("/v1/keys/{id}/limits", RouteTemplates.of("/v1/keys/k_123/limits"));
    assertEquals("/v1/keys/history", RouteTemplates.of("/v1/keys/history"));
    assertEquals(
        "/v1/cluster/members/{address}/drain",
        RouteTemplates.of("/v1/cluster/members/pekko:%2F%2Fmodelfleet@10.0.0.1:25520/drain"));
    assertEquals("/metrics", RouteTemplates.of("/metrics"));
  }

  @Test
  void pathsNoRouteServesAreOther() {
    assertEquals("other", RouteTemplates.of("/"));
    assertEquals("other", RouteTemplates.of("/wp-admin/login.php"));
    assertEquals("other", RouteTemplates.of("/v2/models/a/b/c/d/e/f/g/h/i"));
    assertEquals("other", RouteTemplates.of("/v2/models/m/explode"));
    assertEquals("other", RouteTemplates.of("/" + "x".repeat(600)));
  }
}
