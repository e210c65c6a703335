package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.ModelReadyRequest;
import io.modelfleet.gateway.grpc.proto.ServerLiveRequest;
import io.modelfleet.node.demo.DemoModel;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.KeyStores;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transport security as an operator turns it on, against real node processes: HTTPS from a key
 * store made with keytool (and remoting over mutually authenticated TLS on the same node), plain
 * HTTP refused on that port, the simple cross-site POSTs a web page could send refused, and a wrong
 * key-store password stopping the node with a sentence that names the setting. The gRPC port serves
 * TLS with the same key store, and refuses plaintext.
 */
class TransportSecurityIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final String PASSWORD = "it-store-pass";
  private static final String DEMO_ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";

  @TempDir Path dir;

  private Map<String, String> tlsEnv(Path store, String password) {
    Map<String, String> env = new HashMap<>();
    env.put("MODELFLEET_DEMO_MODEL", "true");
    env.put("MODELFLEET_TLS_KEY_STORE", store.toString());
    env.put("MODELFLEET_TLS_KEY_STORE_PASSWORD", password);
    return env;
  }

  @Test
  void httpsServesAndBrowsersCannotPostCrossSite() throws Exception {
    Path store = KeyStores.create(dir.resolve("node.p12"), PASSWORD, "localhost");
    Path trust = KeyStores.trustStore(dir.resolve("trust.p12"), PASSWORD, store);
    Map<String, String> env = tlsEnv(store, PASSWORD);
    env.put("MODELFLEET_CLUSTER_TLS_KEY_STORE", store.toString());
    env.put("MODELFLEET_CLUSTER_TLS_KEY_STORE_PASSWORD", PASSWORD);
    env.put("MODELFLEET_CLUSTER_TLS_TRUST_STORE", trust.toString());
    env.put("MODELFLEET_CLUSTER_TLS_TRUST_STORE_PASSWORD", PASSWORD);
    int grpcPort = NodeProcess.freePort();
    env.put("MODELFLEET_GRPC_PORT", Integer.toString(grpcPort));
    SSLContext client = KeyStores.trusting(store, PASSWORD);
    try (NodeProcess node = NodeProcess.start(dir.resolve("data"), env)) {
      Http https = new Http(node.httpsUrl(), client);
      try {
        https.await("/v2/health/ready", r -> r.status() == 200, START);
        https.await("/v2/models/demo/ready", r -> r.status() == 200, START);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + node.log(), e);
      }
      assertTrue(node.awaitLog("(HTTPS)", Duration.ofSeconds(10)), node.log());
      assertTrue(
          node.awaitLog("Artery tls-tcp", Duration.ofSeconds(10)),
          "remoting over TLS:\n" + node.log());
      assertInfers(https);
      assertGrpcOnlyOverTls(grpcPort, trust);

      // Plain HTTP on the HTTPS port gets no HTTP answer.
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThrows(
          IOException.class,
          () ->
              plain.send(
                  HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v2/health/ready"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));

      // A form or text/plain POST, as a page on any site can send without asking: refused before
      // the body is read, and the model stays loaded.
      Http.Response textPlain =
          https.send(
              HttpRequest.newBuilder(URI.create(https.base() + "/v2/repository/models/demo/unload"))
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertEquals(415, textPlain.status(), textPlain.body());
      assertTrue(textPlain.error().contains("application/json"), textPlain.body());
      Http.Response form =
          https.send(
              HttpRequest.newBuilder(URI.create(https.base() + "/v1/models/demo/deployments"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"version\":\"1\",\"replicas\":0}")));
      assertEquals(415, form.status(), form.body());

      Http.Response crossSite =
          https.send(
              HttpRequest.newBuilder(URI.create(https.base() + "/v2/repository/models/demo/unload"))
                  .header("Origin", "https://evil.example")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertEquals(403, crossSite.status(), crossSite.body());
      assertTrue(
          crossSite.error().startsWith("cross-site request from origin https://evil.example"),
          crossSite.body());
      assertTrue(crossSite.json() != null && crossSite.json().has("error"));
      assertInfers(https);

      // The gateway's own pages (same scheme, host and port) and non-browser clients may post.
      Http.Response sameSite =
          https.send(
              HttpRequest.newBuilder(URI.create(https.base() + "/v2/repository/index"))
                  .header("Origin", node.httpsUrl())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertEquals(200, sameSite.status(), sameSite.body());
    }
  }

  /** The gRPC port speaks TLS with the HTTPS key store's certificate, and only TLS. */
  private static void assertGrpcOnlyOverTls(int port, Path trust) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trust)) {
      trusted.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    ManagedChannel tls =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .sslContext(GrpcSslContexts.forClient().trustManager(tmf).build())
            .build();
    ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      GRPCInferenceServiceBlockingStub stub =
          GrpcIT.withKey(GRPCInferenceServiceGrpc.newBlockingStub(tls), TestKeys.ADMIN)
              .withDeadlineAfter(20, TimeUnit.SECONDS);
      assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
      assertTrue(
          stub.modelReady(ModelReadyRequest.newBuilder().setName("demo").build()).getReady());
      StatusRuntimeException refused =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  GRPCInferenceServiceGrpc.newBlockingStub(plain)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .serverLive(ServerLiveRequest.getDefaultInstance()));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
    } finally {
      tls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void assertInfers(Http https) {
    Http.Response r = https.post("/v2/models/demo/infer", DEMO_ROW);
    assertEquals(200, r.status(), r.body());
    float[] want = DemoModel.expected(new float[] {1, 2, 3, 4});
    assertEquals(want[0], r.json().get("outputs").get(0).get("data").get(0).floatValue(), 1e-5);
  }

  @Test
  void aWrongKeyStorePasswordStopsTheNodeNamingTheSetting() throws Exception {
    Path store = KeyStores.create(dir.resolve("node.p12"), PASSWORD, "localhost");
    try (NodeProcess node =
        NodeProcess.start(dir.resolve("data"), tlsEnv(store, "not-" + PASSWORD))) {
      long deadline = System.nanoTime() + START.toNanos();
      while (node.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String log = node.log();
      assertFalse(node.isAlive(), "the node must not start with a wrong password; log:\n" + log);
      assertEquals(78, node.exitCode(), log);
      assertTrue(log.contains("MODELFLEET_TLS_KEY_STORE_PASSWORD"), log);
      assertTrue(log.contains("wrong password"), log);
      assertFalse(log.contains(PASSWORD), "no password in the log:\n" + log);
    }
  }
}
