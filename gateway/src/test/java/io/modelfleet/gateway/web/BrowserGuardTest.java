package io.modelfleet.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The browser rules, one request at a time, as a page on another site would send it. */
class BrowserGuardTest {

  private static final BrowserGuard OPEN = new BrowserGuard(List.of(), List.of());
  private static final String UNLOAD = "/v2/repository/models/m/unload";

  private static Optional<ApiException> check(
      BrowserGuard g, String method, String path, String host, String origin, String type) {
    return g.check(
        method,
        path,
        Optional.ofNullable(host),
        Optional.ofNullable(origin),
        Optional.ofNullable(type));
  }

  private static void refused(int status, Optional<ApiException> r, String... words) {
    assertTrue(r.isPresent(), "expected a refusal");
    assertEquals(status, r.get().status());
    for (String w : words) {
      assertTrue(r.get().getMessage().contains(w), r.get().getMessage());
    }
  }

  // --- Origin ---

  @Test
  void aCrossSitePostIsRefusedNamingTheOrigin() {
    refused(
        403,
        check(OPEN, "POST", UNLOAD, "localhost:8000", "https://evil.example", null),
        "cross-site request from origin https://evil.example refused",
        "allowed-origins");
  }

  @Test
  void everyStateChangingMethodChecksTheOrigin() {
    for (String m : List.of("POST", "PUT", "PATCH", "DELETE")) {
      refused(403, check(OPEN, m, "/v1/models/m", "localhost:8000", "http://evil.example", null));
    }
  }

  @Test
  void readsAreNotCheckedForOrigin() {
    for (String m : List.of("GET", "HEAD", "OPTIONS")) {
      assertFalse(
          check(OPEN, m, "/v1/models", "localhost:8000", "https://evil.example", null).isPresent());
    }
  }

  @Test
  void aPageFromTheGatewaysOwnHostAndPortMayPost() {
    assertFalse(
        check(OPEN, "POST", UNLOAD, "localhost:8000", "http://localhost:8000", "application/json")
            .isPresent());
    assertFalse(
        check(OPEN, "POST", UNLOAD, "LocalHost:8000", "http://localhost:8000", null).isPresent());
    assertFalse(
        check(OPEN, "POST", UNLOAD, "[::1]:8000", "http://[::1]:8000", null).isPresent(),
        "IPv6 literal");
  }

  @Test
  void anotherPortOnTheSameHostIsAnotherSite() {
    // A development server on localhost:3000 must not drive the gateway on localhost:8000.
    refused(403, check(OPEN, "POST", UNLOAD, "localhost:8000", "http://localhost:3000", null));
    refused(403, check(OPEN, "POST", UNLOAD, "localhost:8000", "http://localhost", null));
  }

  @Test
  void aHostWithoutPortMatchesTheDefaultPortOfEitherScheme() {
    // Behind a proxy that ends TLS, the browser's origin is https on 443 and the Host has no port.
    assertFalse(
        check(OPEN, "POST", UNLOAD, "fleet.example.com", "https://fleet.example.com", null)
            .isPresent());
    assertFalse(
        check(OPEN, "POST", UNLOAD, "fleet.example.com", "http://fleet.example.com:80", null)
            .isPresent());
    refused(
        403,
        check(OPEN, "POST", UNLOAD, "fleet.example.com", "https://fleet.example.com:8443", null));
  }

  @Test
  void theNullOriginAndJunkAreRefused() {
    refused(403, check(OPEN, "POST", UNLOAD, "localhost:8000", "null", null));
    refused(403, check(OPEN, "POST", UNLOAD, "localhost:8000", "localhost:8000", null));
    refused(403, check(OPEN, "POST", UNLOAD, "localhost:8000", "http://a b", null));
  }

  @Test
  void aLongOriginIsClippedInTheAnswer() {
    String origin = "https://" + "a".repeat(5000) + ".example";
    Optional<ApiException> r = check(OPEN, "POST", UNLOAD, "localhost:8000", origin, null);
    refused(403, r);
    assertTrue(r.get().getMessage().length() < 600);
  }

  @Test
  void noOriginIsNotABrowserAndPasses() {
    assertFalse(check(OPEN, "POST", UNLOAD, "localhost:8000", null, null).isPresent());
  }

  @Test
  void allowedOriginsAdmitByFullOriginOrBareHost() {
    BrowserGuard g =
        new BrowserGuard(
            List.of("https://console.example.com", " ops.example.com ", "http://dev.local:3000"),
            List.of());
    String host = "fleet:8000";
    assertFalse(check(g, "POST", UNLOAD, host, "https://console.example.com", null).isPresent());
    assertFalse(
        check(g, "POST", UNLOAD, host, "https://console.example.com:443", null).isPresent());
    refused(403, check(g, "POST", UNLOAD, host, "http://console.example.com", null));
    refused(403, check(g, "POST", UNLOAD, host, "https://console.example.com:8443", null));
    assertFalse(check(g, "POST", UNLOAD, host, "http://ops.example.com:9999", null).isPresent());
    assertFalse(check(g, "POST", UNLOAD, host, "http://dev.local:3000", null).isPresent());
    refused(403, check(g, "POST", UNLOAD, host, "http://dev.local:3001", null));
    refused(403, check(g, "POST", UNLOAD, host, "https://console.example.com.evil.example", null));
  }

  // --- Content-Type ---

  @Test
  void theTypesABrowserSendsUnaskedAreRefusedOnJsonRoutesNamingTheAllowedType() {
    for (String type :
        List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
      refused(
          415,
          check(OPEN, "POST", UNLOAD, "localhost:8000", null, type),
          "Content-Type " + type,
          "application/json");
      refused(415, check(OPEN, "POST", "/v1/models/m/deployments", "h:1", null, type));
      refused(415, check(OPEN, "DELETE", "/v1/models/m/deployments/1", "h:1", null, type));
    }
  }

  @Test
  void inferenceNamesBothItsTypes() {
    refused(
        415,
        check(OPEN, "POST", "/v2/models/m/versions/1/infer", "h:1", null, "text/plain"),
        "application/octet-stream");
  }

  @Test
  void jsonOctetStreamAndNoTypePass() {
    for (String type : new String[] {"application/json", "application/octet-stream", null}) {
      assertFalse(check(OPEN, "POST", "/v2/models/m/infer", "h:1", null, type).isPresent());
    }
  }

  @Test
  void aRawModelUploadKeepsAcceptingWhatCurlSends() {
    // curl --data-binary @model.onnx sends application/x-www-form-urlencoded.
    assertFalse(
        check(
                OPEN,
                "PUT",
                "/v1/models/iris/versions/1",
                "h:1",
                null,
                "application/x-www-form-urlencoded")
            .isPresent());
  }

  @Test
  void readsMayCarryAnyType() {
    assertFalse(check(OPEN, "GET", "/v1/models", "h:1", null, "text/plain").isPresent());
  }

  // --- Host ---

  @Test
  void allowedHostsRefuseOtherHostsWith421() {
    BrowserGuard g = new BrowserGuard(List.of(), List.of("fleet.example.com", "10.0.0.5:8000"));
    assertFalse(check(g, "GET", "/v1/models", "fleet.example.com:8000", null, null).isPresent());
    assertFalse(check(g, "GET", "/v1/models", "FLEET.example.com", null, null).isPresent());
    assertFalse(check(g, "GET", "/v1/models", "10.0.0.5:8000", null, null).isPresent());
    refused(421, check(g, "GET", "/v1/models", "10.0.0.5:9000", null, null), "allowed-hosts");
    refused(
        421,
        check(g, "GET", "/v1/models", "rebound.evil.example:8000", null, null),
        "rebound.evil.example:8000",
        "allowed-hosts");
    refused(400, check(g, "GET", "/v1/models", null, null, null), "Host");
  }

  @Test
  void healthProbesAnswerWhateverTheHost() {
    BrowserGuard g = new BrowserGuard(List.of(), List.of("fleet.example.com"));
    assertFalse(check(g, "GET", "/v2/health/ready", "10.1.2.3:8000", null, null).isPresent());
    assertFalse(check(g, "GET", "/v2/health/live", null, null, null).isPresent());
    refused(421, check(g, "GET", "/v2/health/other", "10.1.2.3:8000", null, null));
  }

  @Test
  void withoutAllowedHostsAnyHostIsServed() {
    assertFalse(check(OPEN, "GET", "/v1/models", "anything.example", null, null).isPresent());
  }

  // --- Settings ---

  @Test
  void settingsAreCommaSeparatedStringsOrLists() {
    BrowserGuard fromString =
        BrowserGuard.fromConfig(
            ConfigFactory.parseMap(
                    Map.of(
                        "modelfleet.gateway.allowed-origins",
                        "https://a.example, https://b.example"))
                .withFallback(ConfigFactory.load()));
    assertFalse(check(fromString, "POST", UNLOAD, "h:1", "https://b.example", null).isPresent());
    BrowserGuard fromList =
        BrowserGuard.fromConfig(
            ConfigFactory.parseString("modelfleet.gateway.allowed-hosts = [\"h\"]")
                .withFallback(ConfigFactory.load()));
    refused(421, check(fromList, "GET", "/", "other", null, null));
    BrowserGuard defaults = BrowserGuard.fromConfig(ConfigFactory.load());
    assertFalse(check(defaults, "GET", "/", "any", null, null).isPresent());
  }

  @Test
  void aMalformedEntryStopsTheNodeNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BrowserGuard(List.of("https://a.example/path"), List.of()));
    assertTrue(e.getMessage().contains("allowed-origins"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BrowserGuard(List.of(), List.of("https://a.example")));
    assertTrue(e.getMessage().contains("allowed-hosts"), e.getMessage());
  }
}
