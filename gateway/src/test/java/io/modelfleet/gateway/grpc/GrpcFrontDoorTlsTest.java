package io.modelfleet.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.connection.GatewayTls;
import io.modelfleet.gateway.connection.TestKeyStores;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.ServerLiveRequest;
import io.modelfleet.gateway.grpc.proto.ServerLiveResponse;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the gateway's HTTPS key store, the gRPC port speaks TLS with the same certificate: a client
 * trusting it calls through, a plaintext client fails.
 */
class GrpcFrontDoorTlsTest {
  private static final String PASSWORD = "grpc-tls-pass";

  @TempDir static Path dir;
  static Path store;
  static GrpcFrontDoor door;

  /** Answers ServerLive only; everything else is UNIMPLEMENTED. */
  static final class Live extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
      out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
      out.onCompleted();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    store = TestKeyStores.create(dir.resolve("server.p12"), PASSWORD);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    door =
        GrpcFrontDoor.start(
                "127.0.0.1", port, new Live(), 1 << 20, GatewayTls.open(store, "PKCS12", PASSWORD))
            .orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (door != null) {
      door.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aClientTrustingTheCertificateCallsOverTls() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      trusted.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", door.port())
            .sslContext(GrpcSslContexts.forClient().trustManager(tmf).build())
            .build();
    try {
      assertTrue(
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .serverLive(ServerLiveRequest.getDefaultInstance())
              .getLive());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPlaintextClientIsRefused() throws Exception {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", door.port()).usePlaintext().build();
    try {
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  GRPCInferenceServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .serverLive(ServerLiveRequest.getDefaultInstance()));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
