package io.modelfleet.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/** Reading {@code Authorization: Bearer <secret>}, and nothing else. */
class BearerCredentialsTest {

  @Test
  void theBearerSchemeIsCaseInsensitiveWithOneSpaceOrMore() {
    assertEquals(Optional.of("mfk_x"), BearerCredentials.parse("Bearer mfk_x"));
    assertEquals(Optional.of("mfk_x"), BearerCredentials.parse("bearer mfk_x"));
    assertEquals(Optional.of("mfk_x"), BearerCredentials.parse("BEARER    mfk_x"));
  }

  @Test
  void anythingElseIsNoCredentials() {
    for (String bad :
        new String[] {
          "",
          "Bearer",
          "Bearer ",
          "Bearer  ",
          "Bearermfk_x",
          "Basic dXNlcjpwYXNz",
          "Token mfk_x",
          "Bearer\tmfk_x",
          "Bearer mfk_x extra",
          " Bearer mfk_x",
          "Bearer mfk_\u00e9"
        }) {
      assertEquals(Optional.empty(), BearerCredentials.parse(bad), bad);
    }
    assertEquals(Optional.empty(), BearerCredentials.parse(null));
  }

  @Test
  void readsTheRequestsOneAuthorizationHeader() {
    HttpRequest one =
        HttpRequest.GET("/v2").addHeader(RawHeader.create("authorization", "Bearer a"));
    assertEquals(Optional.of("a"), BearerCredentials.from(one));
    assertEquals(Optional.empty(), BearerCredentials.from(HttpRequest.GET("/v2")));
    HttpRequest two = one.addHeader(RawHeader.create("Authorization", "Bearer b"));
    assertEquals(Optional.empty(), BearerCredentials.from(two), "two credentials: neither");
  }
}
