package io.modelfleet.protocol.usage;

/**
 * The measures of usage, summed over whatever a row covers. Compute is the requests' shares of
 * their executions (by rows of a batch), so the compute of every request run on one device adds up
 * to the time that device spent executing: it is device time, split into the time on CPUs and the
 * time on GPUs (simulated GPUs count as GPUs). Requests no replica answered have no device and no
 * compute.
 *
 * @param requests inferences answered, successful or not
 * @param failures inferences answered with an error
 * @param rows rows along dimension 0 of each request's first input
 * @param inputBytes bytes of the input tensors' data
 * @param outputBytes bytes of the output tensors' data
 * @param computeNanos compute time on any device, nanoseconds
 * @param cpuNanos the part of computeNanos spent on CPUs
 * @param gpuNanos the part of computeNanos spent on GPUs
 */
public record UsageTotals(
    long requests,
    long failures,
    long rows,
    long inputBytes,
    long outputBytes,
    long computeNanos,
    long cpuNanos,
    long gpuNanos) {

  public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0, 0);

  public UsageTotals plus(UsageTotals o) {
    return new UsageTotals(
        requests + o.requests,
        failures + o.failures,
        rows + o.rows,
        inputBytes + o.inputBytes,
        outputBytes + o.outputBytes,
        computeNanos + o.computeNanos,
        cpuNanos + o.cpuNanos,
        gpuNanos + o.gpuNanos);
  }
}
