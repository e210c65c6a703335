package io.modelfleet.persistence.artifact;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the server's file paths from text that may reach a client (error bodies, a replica's
 * FAILED reason): ONNX Runtime quotes the file it failed to load, I/O exceptions quote theirs, and
 * an absolute path tells an attacker how the host is laid out.
 *
 * <pre>
 * text                                  becomes
 * &lt;store&gt;/sha256/&lt;hex&gt;                    sha256:&lt;hex&gt;
 * &lt;store&gt;/tmp/upload-1.part               tmp/upload-1.part
 * any other absolute path /a/b/c.txt    c.txt
 * /v1/..., /v2/... (API paths)          unchanged
 * </pre>
 */
public final class Redaction {
  /** An absolute Unix path of two or more segments, not part of a URL or a longer word. */
  private static final Pattern ABSOLUTE =
      Pattern.compile("(?<![\\w./-])/(?:[^\\s/'\"(),;:\\[\\]]+/)+[^\\s/'\"(),;:\\[\\]]*");

  private Redaction() {}

  /**
   * {@code text} with {@code blobs}/hex turned into digests and paths under {@code root} made
   * relative to it.
   */
  public static String redact(String text, Path blobs, Path root) {
    if (text == null) {
      return null;
    }
    String out = text;
    String blobsPrefix = blobs.toAbsolutePath().normalize() + "/";
    out =
        Pattern.compile(Pattern.quote(blobsPrefix) + "([0-9a-f]{64})")
            .matcher(out)
            .replaceAll(ArtifactStore.DIGEST_PREFIX + "$1");
    out = out.replace(root.toAbsolutePath().normalize() + "/", "");
    return redact(out);
  }

  /** {@code text} with every absolute path but the HTTP API's cut to its last segment. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = ABSOLUTE.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String path = m.group();
      String replacement;
      if (path.startsWith("/v1/") || path.startsWith("/v2/")) {
        replacement = path;
      } else {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        replacement = trimmed.substring(trimmed.lastIndexOf('/') + 1);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
