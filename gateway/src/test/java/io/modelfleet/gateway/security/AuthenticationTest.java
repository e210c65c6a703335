package io.modelfleet.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.security.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/** From request to identity or finished refusal. */
class AuthenticationTest {

  private final Keys inferrer = Keys.make("k1", "a", Role.INFERRER);
  private final Keys root = Keys.make("root", "default", Role.ADMIN);
  private final ModelTenants tenants =
      m -> Optional.ofNullable(Map.of("a-model", "a", "b-model", "b").get(m));
  private final Authentication auth =
      new Authentication(
          SecuritySettings.ON, KeyCache.of(List.of(inferrer.key(), root.key())), tenants);

  private static HttpRequest request(String method, String path, String secret) {
    HttpRequest r =
        HttpRequest.create(path)
            .withMethod(
                org.apache.pekko.http.javadsl.model.HttpMethods.lookup(method).orElseThrow());
    return secret == null ? r : r.addHeader(RawHeader.create("Authorization", "Bearer " + secret));
  }

  private static HttpResponse refused(Authentication.Outcome o) {
    return assertInstanceOf(Authentication.Refused.class, o).response();
  }

  private static String error(HttpResponse r) {
    JsonNode body = Json.parse(((HttpEntity.Strict) r.entity()).getData());
    return body.get("error").asText();
  }

  @Test
  void aGoodKeyBecomesTheCallersIdentity() {
    Authentication.Outcome o =
        auth.check(request("POST", "/v2/models/a-model/infer", inferrer.secret()), 5_000);
    Identity id = assertInstanceOf(Authentication.Authorized.class, o).identity();
    assertEquals("k1-name (k1)", id.principal());
    assertEquals("a", id.tenant());
    assertEquals(Optional.of(inferrer.key()), id.key());
  }

  @Test
  void healthProbesAreAnonymous() {
    Authentication.Outcome o = auth.check(request("GET", "/v2/health/live", null), 5_000);
    assertEquals(
        Identity.ANONYMOUS, assertInstanceOf(Authentication.Authorized.class, o).identity());
  }

  @Test
  void noKeyIs401WithTheBearerChallenge() {
    HttpResponse r = refused(auth.check(request("GET", "/no/such/path", null), 5_000));
    assertEquals(401, r.status().intValue());
    assertEquals("Bearer", r.getHeader("WWW-Authenticate").orElseThrow().value());
    assertTrue(error(r).contains("Authorization: Bearer"));
  }

  @Test
  void anUnknownKeyIs401WithoutEchoingIt() {
    String secret = Keys.make("x", "a", Role.ADMIN).secret();
    HttpResponse r = refused(auth.check(request("GET", "/v1/models", secret), 5_000));
    assertEquals(401, r.status().intValue());
    assertEquals(Authentication.INVALID_KEY, error(r));
    assertFalse(error(r).contains(secret.substring(4)));
  }

  @Test
  void aMissingPermissionIs403NamingIt() {
    HttpResponse r =
        refused(
            auth.check(request("POST", "/v1/cluster/members/x/down", inferrer.secret()), 5_000));
    assertEquals(403, r.status().intValue());
    assertEquals("this key lacks the 'manage_cluster' permission", error(r));
  }

  @Test
  void anotherTenantsModelIsTheUnknownModels404() {
    HttpResponse r =
        refused(auth.check(request("GET", "/v2/models/b-model/ready", inferrer.secret()), 5_000));
    assertEquals(404, r.status().intValue());
    assertEquals("model 'b-model' is not registered", error(r));
    assertTrue(r.getHeader("WWW-Authenticate").isEmpty());
  }

  @Test
  void theClusterAdministratorReachesEveryTenant() {
    assertInstanceOf(
        Authentication.Authorized.class,
        auth.check(request("POST", "/v2/repository/models/b-model/unload", root.secret()), 1));
  }

  @Test
  void securityOffLetsEveryoneInAnonymously() {
    Authentication off = new Authentication(SecuritySettings.OFF, new KeyCache(), tenants);
    Authentication.Outcome o = off.check(request("POST", "/v1/cluster/members/x/down", null), 1);
    assertEquals(
        Identity.ANONYMOUS, assertInstanceOf(Authentication.Authorized.class, o).identity());
    assertFalse(off.enabled());
  }

  @Test
  void theModeIsReadFromConfiguration() {
    assertEquals(SecuritySettings.ON, SecuritySettings.fromConfig(ConfigFactory.load()));
    assertEquals(
        SecuritySettings.OFF,
        SecuritySettings.fromConfig(ConfigFactory.parseString("modelfleet.security.mode = off")));
    assertEquals(
        "off",
        SecuritySettings.fromConfig(ConfigFactory.parseString("modelfleet.security.mode = OFF"))
            .mode());
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                SecuritySettings.fromConfig(
                    ConfigFactory.parseString("modelfleet.security.mode = maybe")));
    assertTrue(e.getMessage().contains("on or off"));
  }
}
