package io.modelfleet.bench;

import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The served rows of one deployment (a model with batching off or on): uploaded and deployed once,
 * checked against raw ORT's answer and then measured on each protocol ({@code json} and {@code
 * binary} over HTTP/1.1, {@code grpc} over the node's gRPC port) and client count, and removed
 * afterwards so the next deployment has the CPU to itself. The CPU column of a served row is the
 * node process's CPU per request.
 */
final class ServedRows {

  static final String GRPC = "grpc";

  private final BenchConfig config;
  private final QuietGate gate;
  private final Results results;
  private final NodeApi api;
  private final HttpLoad http;
  private final GrpcLoad grpc;

  ServedRows(
      BenchConfig config,
      QuietGate gate,
      Results results,
      NodeApi api,
      HttpLoad http,
      GrpcLoad grpc) {
    this.config = config;
    this.gate = gate;
    this.results = results;
    this.api = api;
    this.http = http;
    this.grpc = grpc;
  }

  void measure(BenchModel model, boolean batching, Map<String, RawOrt.Reference> reference)
      throws InterruptedException {
    String batchingLabel = batching ? "on" : "off";
    String name = model.key() + (batching ? "-batch" : "-nobatch");
    Progress.line("deploying " + name);
    NodeApi.Deployed d;
    try {
      api.upload(name, model.onnx());
      d = api.deploy(name, batching, config.readyTimeout());
    } catch (IOException e) {
      d = new NodeApi.Deployed(name, "management call failed: " + e.getMessage(), null);
    }
    if (d.note() != null) {
      results.note(name + ": " + d.note());
    }
    try {
      for (String p : config.protocols()) {
        Probe probe = probe(p, name, model, d, reference);
        if (probe.problem() != null) {
          Progress.line(name + " " + p + ": n/a (" + probe.problem() + ")");
        }
        for (int clients : config.concurrency(model.key())) {
          if (probe.problem() != null) {
            results.add(
                Row.unavailable(model.key(), p, batchingLabel, clients, 1, probe.problem()));
            continue;
          }
          try {
            Measurement m =
                gate.measure(name + " " + p + " " + clients, () -> probe.load().run(clients));
            Progress.record(results, Row.measured(model.key(), p, batchingLabel, clients, 1, m));
          } catch (RuntimeException e) {
            // A client that could not connect, or a server that stopped answering: say so, go on.
            Progress.line(name + " " + p + " " + clients + " failed: " + e.getMessage());
            results.add(
                Row.unavailable(
                    model.key(),
                    p,
                    batchingLabel,
                    clients,
                    1,
                    "measurement failed: " + e.getMessage()));
          }
        }
      }
    } finally {
      // Whatever happened, the next condition gets the CPU to itself.
      try {
        api.remove(name);
      } catch (IOException e) {
        Progress.line("could not remove " + name + ": " + e.getMessage());
      }
    }
  }

  /** A closed loop at a client count. */
  private interface Load {
    Measurement run(int clients) throws InterruptedException;
  }

  /** The protocol's load, or why it cannot be measured (problem non-null). */
  private record Probe(Load load, String problem) {}

  private Probe probe(
      String protocol,
      String name,
      BenchModel model,
      NodeApi.Deployed d,
      Map<String, RawOrt.Reference> reference) {
    if (d.problem() != null) {
      return new Probe(null, d.problem());
    }
    Duration window = config.window(model.key());
    if (protocol.equals(GRPC)) {
      if (grpc == null) {
        return new Probe(null, "the node serves no gRPC");
      }
      ModelInferRequest request = GrpcLoad.request(name, model.inputs(1));
      String problem = grpc.check(request, reference);
      return new Probe(clients -> grpc.measure(clients, request, config.warmUp(), window), problem);
    }
    Requests.Protocol p = Requests.Protocol.parse(protocol);
    byte[] request = Requests.infer(p, ServedNode.HOST, http.port(), name, model.inputs(1));
    String problem = http.check(p, request, reference);
    return new Probe(
        clients -> http.measure(clients, 1, request, config.warmUp(), window), problem);
  }
}
