package io.modelfleet.node.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.modelfleet.node.device.Device;
import io.modelfleet.persistence.artifact.Redaction;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One open ONNX Runtime session on one device, with the signature read from it. Every method blocks
 * in native code and must run on the ORT dispatcher. {@link #run} is safe to call from several
 * threads at once (ORT sessions are), {@link #close} only after the last run returned.
 */
public final class ModelSession implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final long maxOutputBytes;

  private ModelSession(OrtEnvironment env, OrtSession session, long maxOutputBytes)
      throws OrtException {
    this.env = env;
    this.session = session;
    this.maxOutputBytes = maxOutputBytes;
    this.inputs = OrtTensors.specs(session.getInputInfo());
    this.outputs = OrtTensors.specs(session.getOutputInfo());
  }

  /**
   * Opens {@code file} on {@code device}. The CUDA provider is added only for a real GPU from the
   * device inventory; CUDA needs CUDA 12 and cuDNN 9 on the host, and its failure message is kept.
   */
  public static ModelSession open(
      OrtEnvironment env,
      Path file,
      Device device,
      OrtSettings settings,
      SessionSpec spec,
      int replicas)
      throws OrtException {
    try (SessionOptions options = settings.options(spec, replicas)) {
      if (device.usesCuda()) {
        try {
          options.addCUDA(device.index());
        } catch (OrtException | UnsatisfiedLinkError e) {
          throw new IllegalStateException(
              "cannot use the CUDA execution provider on "
                  + device.id()
                  + " (needs CUDA 12 and cuDNN 9 on the host): "
                  + e.getMessage(),
              e);
        }
      }
      return new ModelSession(
          env, env.createSession(file.toString(), options), settings.maxOutputBytes());
    }
  }

  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** The outputs of one execution and the time each phase took, for Triton's statistics. */
  public record Execution(
      List<Tensor> outputs, long inputNanos, long inferNanos, long outputNanos) {}

  /** Names of the outputs to compute: those asked for, or all of them in the model's order. */
  public List<String> outputNames(List<String> requested) {
    return requested.isEmpty() ? outputs.stream().map(TensorSpec::name).toList() : requested;
  }

  /**
   * Runs the model once on {@code inputs} (already validated, possibly a merged batch).
   *
   * @throws TensorFormatException for data that does not fit its shape (the client's mistake)
   * @throws OrtException when ONNX Runtime refuses or fails
   */
  public Execution execute(List<Tensor> inputs, Collection<String> wanted) throws OrtException {
    return execute(inputs, wanted, 1);
  }

  /**
   * As {@link #execute(List, Collection)} for a merged batch of {@code requests} requests, whose
   * outputs together may take {@code requests} times the per-response limit.
   *
   * @throws OutputTooLargeException when the outputs would pass max-output-bytes; checked from
   *     their shapes before they are copied out of ONNX Runtime
   */
  public Execution execute(List<Tensor> inputs, Collection<String> wanted, int requests)
      throws OrtException {
    long t0 = System.nanoTime();
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (Tensor t : inputs) {
        feed.put(t.name(), OrtTensors.toOrt(env, t));
      }
      long t1 = System.nanoTime();
      try (OrtSession.Result result = session.run(feed, new LinkedHashSet<>(wanted))) {
        long t2 = System.nanoTime();
        OutputTooLargeException.check(result, wanted, maxOutputBytes, requests);
        List<Tensor> out = new ArrayList<>(wanted.size());
        for (String name : wanted) {
          Optional<OnnxValue> v = result.get(name);
          if (v.isEmpty()) {
            throw new IllegalStateException("the model produced no output '" + name + "'");
          }
          out.add(OrtTensors.fromOrt(name, v.get()));
        }
        return new Execution(out, t1 - t0, t2 - t1, System.nanoTime() - t2);
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** Validates and runs one request on its own; never throws for a client's mistake. */
  public InferReply run(InferRequest req, String model, String version) {
    String problem = InferenceValidator.problem(inputs, outputs, req);
    if (problem != null) {
      return new InferReply.InferFailure(400, problem);
    }
    try {
      return new InferReply.InferResult(
          model, version, req.id(), execute(req.inputs(), outputNames(req.outputs())).outputs());
    } catch (RuntimeException | OrtException e) {
      return failure(e);
    }
  }

  /** The reply for a failed execution: the client's mistakes are 400, the rest 500. */
  public static InferReply.InferFailure failure(Throwable e) {
    if (e instanceof TensorFormatException
        || e instanceof UnsupportedOperationException
        || e instanceof OutputTooLargeException) {
      return new InferReply.InferFailure(400, e.getMessage());
    }
    if (e instanceof OrtException o) {
      // Shapes that pass the signature check can still disagree inside the graph (two dynamic
      // dimensions that must match): ORT reports those as invalid arguments, the client's doing.
      int status = o.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT ? 400 : 500;
      // ORT's messages quote its own source files by absolute path; clients see file names only.
      return new InferReply.InferFailure(
          status, "ONNX Runtime: " + Redaction.redact(o.getMessage()));
    }
    return new InferReply.InferFailure(500, "inference failed: " + Redaction.redact(e.toString()));
  }

  /**
   * One inference on zeros (dynamic dimensions as 1) so the first real request pays no set-up.
   * Zeros are a guess at valid input, and a wrong guess says nothing about the model (a Cast from
   * empty strings, an integer division by zero, a Resize to zero sizes all fail in ONNX Runtime on
   * models that serve real inputs), so this never throws.
   *
   * @return null when the warm-up ran, else why it failed or was skipped, for the caller's WARN
   */
  public String warmUpSynthetic(String model, String version) {
    try {
      List<Tensor> zeros = new ArrayList<>();
      for (TensorSpec s : inputs) {
        Tensor t = WarmupTensors.syntheticZeros(s);
        if (t == null) {
          return "skipped: input '"
              + s.name()
              + "' of shape "
              + s.shape()
              + " would take more than "
              + WarmupTensors.MAX_SYNTHETIC_BYTES
              + " bytes of zeros";
        }
        zeros.add(t);
      }
      InferReply r = run(new InferRequest("warm-up", zeros, List.of()), model, version);
      return r instanceof InferReply.InferFailure f ? f.error() : null;
    } catch (RuntimeException e) {
      return String.valueOf(e);
    }
  }

  /**
   * Runs the deployment's own warm-up samples, each {@link WarmupSample#executions()} times. The
   * operator said these inputs are valid, so any failure is the model's or the sample's fault.
   *
   * @throws IllegalStateException naming the sample and the reason at the first failure
   */
  public void warmUp(List<WarmupSample> samples, String model, String version) {
    for (WarmupSample sample : samples) {
      for (int i = 0; i < sample.executions(); i++) {
        InferReply r;
        try {
          List<Tensor> tensors = new ArrayList<>(sample.inputs().size());
          for (WarmupSample.Input in : sample.inputs()) {
            tensors.add(WarmupTensors.of(in));
          }
          r = run(new InferRequest("warm-up " + sample.name(), tensors, List.of()), model, version);
        } catch (RuntimeException e) {
          r = new InferReply.InferFailure(500, String.valueOf(e));
        }
        if (r instanceof InferReply.InferFailure f) {
          throw new IllegalStateException(
              "warm-up sample '" + sample.name() + "' failed: " + f.error());
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
