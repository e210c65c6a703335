package io.modelfleet.protocol.tensor;

/**
 * A tensor sent by a client does not match what it claims to be. The message is a whole sentence
 * naming the offending input and field, written for the client to read in a 400 response, e.g.
 * {@code input 'x': data has 5 elements but shape [2,3] needs 6}.
 */
public class TensorFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TensorFormatException(String message) {
    super(message);
  }
}
