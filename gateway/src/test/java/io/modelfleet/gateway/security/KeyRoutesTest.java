package io.modelfleet.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.security.KeySecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The /v1/keys routes over real HTTP, on an in-memory key registry. */
class KeyRoutesTest {

  private static final long NOW = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

  private static ActorSystem<Void> system;
  private static ServerBinding binding;
  private static FakeKeyAdmin admin;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "keys",
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    admin = new FakeKeyAdmin();
    KeyRoutes keys = new KeyRoutes(admin, 64 * 1024, () -> NOW);
    Caller caller = new Caller("root (key-0)", "req-1");
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(
                keys.handleExceptions(
                    ErrorHandling.exceptions(caller),
                    () ->
                        keys.handleRejections(
                            ErrorHandling.rejections(), () -> keys.route(caller))))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  private static Answer call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    return new Answer(r.statusCode(), json, r);
  }

  private static String created(String name) throws Exception {
    Answer a = call("POST", "/v1/keys", "{\"name\": \"" + name + "\", \"roles\": [\"viewer\"]}");
    assertEquals(201, a.status(), a.raw().body());
    return a.body().get("id").asText();
  }

  @Test
  void createShowsTheSecretOnceAndTheListNever() throws Exception {
    Answer a =
        call(
            "POST",
            "/v1/keys",
            """
            {"name": "ci-inferrer", "tenant": "team-a", "roles": ["inferrer", "VIEWER"],
             "grants": ["fraud", "team-a.*"],
             "limits": {"requests_per_second": 50.5, "burst": 100, "max_in_flight": 8,
                        "upload_bytes_per_day": 1000000},
             "expires_in_seconds": 3600}
            """);
    assertEquals(201, a.status(), a.raw().body());
    assertEquals("no-store", a.raw().headers().firstValue("Cache-Control").orElseThrow());
    JsonNode k = a.body();
    String secret = k.get("key").asText();
    assertTrue(KeySecrets.wellFormed(secret));
    assertEquals(KeySecrets.prefix(secret), k.get("prefix").asText());
    assertEquals("ci-inferrer", k.get("name").asText());
    assertEquals("team-a", k.get("tenant").asText());
    assertEquals("[\"inferrer\",\"viewer\"]", k.get("roles").toString());
    assertEquals("[\"fraud\",\"team-a.*\"]", k.get("grants").toString());
    assertEquals(50.5, k.get("limits").get("requests_per_second").asDouble());
    assertEquals(100, k.get("limits").get("burst").asInt());
    assertEquals(8, k.get("limits").get("max_in_flight").asInt());
    assertEquals(1000000, k.get("limits").get("upload_bytes_per_day").asLong());
    assertEquals("2025-01-01T01:00:00Z", k.get("expires_at").asText());
    assertTrue(k.get("revoked_at").isNull());
    assertFalse(k.has("secret_hash"));

    Answer list = call("GET", "/v1/keys", null);
    assertEquals(200, list.status());
    String text = list.raw().body();
    assertFalse(text.contains(secret.substring(KeySecrets.PREFIX_LENGTH)), "no secret");
    assertFalse(text.contains(KeySecrets.hash(secret)), "no hash");
    assertFalse(text.contains("\"key\""));
    assertTrue(text.contains(k.get("id").asText()));

    Answer one = call("GET", "/v1/keys/" + k.get("id").asText(), null);
    assertEquals(200, one.status());
    assertEquals("ci-inferrer", one.body().get("name").asText());
    assertFalse(one.body().has("key"));
  }

  @Test
  void defaultsAreTheDefaultTenantEveryModelNoLimitsNoExpiry() throws Exception {
    Answer a = call("POST", "/v1/keys", "{\"name\": \"plain\", \"roles\": [\"viewer\"]}");
    assertEquals(201, a.status(), a.raw().body());
    assertEquals("default", a.body().get("tenant").asText());
    assertEquals("[\"*\"]", a.body().get("grants").toString());
    assertEquals(0, a.body().get("limits").get("burst").asInt());
    assertTrue(a.body().get("expires_at").isNull());
    Answer at =
        call(
            "POST",
            "/v1/keys",
            "{\"name\": \"dated\", \"roles\": [\"viewer\"], \"expires_at\": \"2030-01-31T12:00:00+01:00\"}");
    assertEquals(201, at.status(), at.raw().body());
    assertEquals("2030-01-31T11:00:00Z", at.body().get("expires_at").asText());
  }

  @Test
  void badInputIsA400NamingIt() throws Exception {
    String[][] cases = {
      {"{\"roles\": [\"viewer\"]}", "\"name\" must be a string"},
      {"{\"name\": 5, \"roles\": [\"viewer\"]}", "\"name\" must be a string, got the number 5"},
      {"{\"name\": \"a b\", \"roles\": [\"viewer\"]}", "name 'a b' must match"},
      {"{\"name\": \"x\"}", "needs \"roles\""},
      {"{\"name\": \"x\", \"roles\": []}", "at least one of"},
      {"{\"name\": \"x\", \"roles\": [\"root\"]}", "unknown role 'root'"},
      {"{\"name\": \"x\", \"roles\": \"admin\"}", "\"roles\" must be an array of strings"},
      {"{\"name\": \"x\", \"roles\": [1]}", "must hold only strings"},
      {"{\"name\": \"x\", \"roles\": [\"viewer\"], \"grants\": [\"a*b\"]}", "grant 'a*b'"},
      {"{\"name\": \"x\", \"roles\": [\"viewer\"], \"grants\": []}", "at least one grant"},
      {"{\"name\": \"x\", \"roles\": [\"viewer\"], \"limits\": {\"burst\": -1}}", "\"burst\""},
      {
        "{\"name\": \"x\", \"roles\": [\"viewer\"], \"limits\": {\"requests_per_second\": \"5\"}}",
        "\"requests_per_second\" must be a number"
      },
      {
        "{\"name\": \"x\", \"roles\": [\"viewer\"], \"limits\": {\"rps\": 5}}",
        "unknown field 'rps'"
      },
      {"{\"name\": \"x\", \"roles\": [\"viewer\"], \"limits\": 5}", "must be a JSON object"},
      {"{\"name\": \"x\", \"roles\": [\"viewer\"], \"owner\": \"me\"}", "unknown field 'owner'"},
      {"{\"name\": \"x\", \"roles\": [\"viewer\"], \"tenant\": \"\"}", "tenant must not be empty"},
      {
        "{\"name\": \"x\", \"roles\": [\"viewer\"], \"expires_at\": \"tomorrow\"}",
        "must be an ISO-8601 time"
      },
      {
        "{\"name\": \"x\", \"roles\": [\"viewer\"], \"expires_at\": \"2001-01-01T00:00:00Z\"}",
        "is not in the future"
      },
      {"{\"name\": \"x\", \"roles\": [\"viewer\"], \"expires_in_seconds\": 0}", "> 0"},
      {
        "{\"name\": \"x\", \"roles\": [\"viewer\"], \"expires_in_seconds\": 5,"
            + " \"expires_at\": \"2030-01-01T00:00:00Z\"}",
        "not both"
      },
      {"[1]", "must be a JSON object"},
      {"", "must be a JSON object, got nothing"},
      {"{", "not valid JSON"},
    };
    for (String[] c : cases) {
      Answer a = call("POST", "/v1/keys", c[0]);
      assertEquals(400, a.status(), c[0] + " -> " + a.raw().body());
      String error = a.body().get("error").asText();
      assertTrue(error.contains(c[1]), c[0] + " -> " + error);
    }
  }

  @Test
  void revokeAnswersTheRevokedRecord() throws Exception {
    String id = created("to-revoke");
    Answer a = call("DELETE", "/v1/keys/" + id, null);
    assertEquals(200, a.status(), a.raw().body());
    assertEquals("2027-01-15T08:00:00Z", a.body().get("revoked_at").asText());
    assertEquals(404, call("DELETE", "/v1/keys/nope", null).status());
  }

  @Test
  void accessAndLimitsChangeOnlyWhatIsGiven() throws Exception {
    String id = created("to-change");
    Answer a = call("PUT", "/v1/keys/" + id + "/access", "{\"grants\": [\"fraud\"]}");
    assertEquals(200, a.status(), a.raw().body());
    assertEquals("[\"viewer\"]", a.body().get("roles").toString(), "roles kept");
    assertEquals("[\"fraud\"]", a.body().get("grants").toString());
    a = call("PUT", "/v1/keys/" + id + "/access", "{\"roles\": [\"operator\"]}");
    assertEquals("[\"operator\"]", a.body().get("roles").toString());
    assertEquals("[\"fraud\"]", a.body().get("grants").toString(), "grants kept");
    assertEquals(400, call("PUT", "/v1/keys/" + id + "/access", "{}").status());
    assertEquals(400, call("PUT", "/v1/keys/" + id + "/access", "{\"roles\": [\"god\"]}").status());

    a = call("PUT", "/v1/keys/" + id + "/limits", "{\"requests_per_second\": 10, \"burst\": 20}");
    assertEquals(200, a.status(), a.raw().body());
    a = call("PUT", "/v1/keys/" + id + "/limits", "{\"max_in_flight\": 4}");
    JsonNode l = a.body().get("limits");
    assertEquals(10.0, l.get("requests_per_second").asDouble(), "kept");
    assertEquals(20, l.get("burst").asInt(), "kept");
    assertEquals(4, l.get("max_in_flight").asInt());
    assertEquals(
        400, call("PUT", "/v1/keys/" + id + "/limits", "{\"max_in_flight\": 1.5}").status());
    assertEquals(404, call("PUT", "/v1/keys/nope/limits", "{\"burst\": 1}").status());
  }

  @Test
  void aTakenNameIsTheRegistrys409() throws Exception {
    created("twice");
    Answer a = call("POST", "/v1/keys", "{\"name\": \"twice\", \"roles\": [\"viewer\"]}");
    assertEquals(409, a.status());
    assertEquals("an API key named 'twice' exists", a.body().get("error").asText());
  }

  @Test
  void historyShowsWhoChangedWhatButNoHashes() throws Exception {
    String id = created("audited");
    call("DELETE", "/v1/keys/" + id, null);
    Answer h = call("GET", "/v1/keys/history", null);
    assertEquals(200, h.status());
    JsonNode last = h.body().get("events").get(h.body().get("events").size() - 1);
    assertEquals("KeyRevoked", last.get("event").asText());
    assertEquals("root (key-0)", last.get("principal").asText());
    assertEquals("req-1", last.get("request_id").asText());
    assertEquals(id, last.get("details").get("id").asText());
    assertFalse(h.raw().body().contains("secret_hash"));
  }

  @Test
  void anUnknownIdIs404AndAWrongMethod405() throws Exception {
    Answer a = call("GET", "/v1/keys/nope", null);
    assertEquals(404, a.status());
    assertEquals("no API key has the id 'nope'", a.body().get("error").asText());
    assertEquals(405, call("PATCH", "/v1/keys", "{}").status());
  }
}
