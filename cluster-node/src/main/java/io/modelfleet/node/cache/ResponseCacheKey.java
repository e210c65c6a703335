package io.modelfleet.node.cache;

import io.modelfleet.protocol.tensor.Tensor;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What makes two requests the same to the response cache: the model, its version and the digest of
 * its artifact (so a name reused for other bytes never meets old answers), the requested output
 * names in order (they decide the reply), and every input's name, datatype, shape and bytes. Inputs
 * are taken in name order, because the order a client lists them in does not change the answer.
 *
 * <p>All of it is folded into one SHA-256 digest, and the key is the digest alone: two different
 * requests would need a SHA-256 collision to share a key, which nobody has ever found, so a hit
 * does not compare the inputs again (Triton relies on its hash the same way, with a weaker one).
 * Every field is written with its length first, so no two different requests give the same bytes to
 * the digest. Computing a key reads every input byte once (SHA-256 runs at about 1.5 to 2 GB/s on a
 * core with SHA extensions, which the JDK uses), and happens outside any lock.
 */
public final class ResponseCacheKey {

  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);
  private static final Comparator<Tensor> BY_NAME = Comparator.comparing(Tensor::name);

  private final byte[] digest;
  private final int hash;

  private ResponseCacheKey(byte[] digest) {
    this.digest = digest;
    this.hash =
        (digest[0] & 0xff) << 24
            | (digest[1] & 0xff) << 16
            | (digest[2] & 0xff) << 8
            | digest[3] & 0xff;
  }

  /**
   * The part of every key of one deployed version, computed once per replica.
   *
   * @param artifact the digest of the version's ONNX file
   */
  public static Scope scope(String model, String version, String artifact) {
    return new Scope(model, version, artifact);
  }

  /**
   * Keys of one model version's requests. The model, version and artifact are digested once, and
   * each key starts from that digest: a tiny request then costs three SHA-256 blocks, not six.
   */
  public static final class Scope {
    private final byte[] prefix;

    private Scope(String model, String version, String artifact) {
      Hasher h = HASHER.get();
      h.begin();
      h.text(model);
      h.text(version);
      h.text(artifact == null ? "" : artifact);
      this.prefix = h.digest();
    }

    /** The key of a request for {@code outputs} (empty: all) computed from {@code inputs}. */
    public ResponseCacheKey key(List<String> outputs, List<Tensor> inputs) {
      Hasher h = HASHER.get();
      h.begin();
      h.bytes(prefix);
      h.number(outputs.size());
      for (String name : outputs) {
        h.text(name);
      }
      h.number(inputs.size());
      if (inputs.size() == 1 || sortedByName(inputs)) {
        for (Tensor t : inputs) {
          h.tensor(t);
        }
      } else {
        Tensor[] sorted = inputs.toArray(new Tensor[0]);
        Arrays.sort(sorted, BY_NAME);
        for (Tensor t : sorted) {
          h.tensor(t);
        }
      }
      return new ResponseCacheKey(h.digest());
    }
  }

  private static boolean sortedByName(List<Tensor> inputs) {
    for (int i = 1; i < inputs.size(); i++) {
      if (inputs.get(i - 1).name().compareTo(inputs.get(i).name()) > 0) {
        return false;
      }
    }
    return true;
  }

  /** One thread's SHA-256 and a scratch buffer for the fields' lengths and numbers. */
  private static final class Hasher {
    private final MessageDigest sha;
    private final byte[] scratch = new byte[64];
    private int used;

    Hasher() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }

    /** Forgets what a key that failed half-way (a malformed tensor) left behind. */
    void begin() {
      sha.reset();
      used = 0;
    }

    void number(long v) {
      if (used + 8 > scratch.length) {
        flush();
      }
      for (int i = 0; i < 8; i++) {
        scratch[used++] = (byte) (v >>> (8 * i));
      }
    }

    void text(String s) {
      number(s.length());
      for (int i = 0; i < s.length(); i++) {
        if (used + 2 > scratch.length) {
          flush();
        }
        char c = s.charAt(i);
        scratch[used++] = (byte) c;
        scratch[used++] = (byte) (c >>> 8);
      }
    }

    void bytes(byte[] b) {
      flush();
      sha.update(b);
    }

    void tensor(Tensor t) {
      text(t.name());
      text(t.datatype().name());
      number(t.shape().length);
      for (long d : t.shape()) {
        number(d);
      }
      number(t.data().length);
      bytes(t.data());
    }

    private void flush() {
      sha.update(scratch, 0, used);
      used = 0;
    }

    byte[] digest() {
      flush();
      return sha.digest();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseCacheKey k && hash == k.hash && Arrays.equals(digest, k.digest);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("sha256:");
    for (byte x : digest) {
      b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return b.toString();
  }
}
