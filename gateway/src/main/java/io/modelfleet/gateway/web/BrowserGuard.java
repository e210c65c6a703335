package io.modelfleet.gateway.web;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.modelfleet.gateway.ApiException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a web page in someone's browser must not be able to make the gateway do. A page on any site
 * may send its visitor's browser to the gateway with a "simple" request (a form post, or a fetch
 * with a text/plain body) without asking the gateway first (no CORS preflight), and the browser
 * then sends it, credentials and all. The gateway answers no CORS preflight, so every other
 * cross-site request is already stopped by the browser; these rules stop the simple ones:
 *
 * <table>
 *   <caption>Rules, in order; the first that refuses answers</caption>
 *   <tr><th>when</th><th>refused with</th></tr>
 *   <tr><td>allowed-hosts is set and the Host header is not in it (the health probes
 *       excepted): a DNS-rebinding page reaches the gateway under its own name</td><td>421</td></tr>
 *   <tr><td>a state-changing method (POST, PUT, PATCH, DELETE) with an {@code Origin} that is
 *       neither the request's own host and port nor in allowed-origins</td><td>403</td></tr>
 *   <tr><td>a state-changing method whose body is text/plain, a form or multipart, on any route
 *       but a raw model upload: those are the types a browser sends cross-site
 *       unasked</td><td>415</td></tr>
 * </table>
 *
 * <p>Clients that are not browsers (curl, tritonclient, Java's HttpClient) send no Origin, so only
 * the Content-Type rule can reach them: {@code curl -d} sends a form type, and must say {@code -H
 * 'Content-Type: application/json'}. The sentence of the 415 says so. Pure: decisions take the
 * request's parts and return the refusal.
 */
public final class BrowserGuard {

  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** The media types a browser sends cross-site without a preflight. */
  private static final Set<String> SIMPLE_TYPES =
      Set.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data");

  /** Routes whose body is the raw model file, in whatever type the client names. */
  private static final Pattern RAW_UPLOAD = Pattern.compile("/v1/models/[^/]+/versions/[^/]+/?");

  /** Routes whose body may be binary tensors after the JSON (Triton's binary extension). */
  private static final Pattern INFER =
      Pattern.compile("/v2/models/[^/]+(/versions/[^/]+)?/infer/?");

  /** Load balancers and Kubernetes probe these under whatever Host they like. */
  private static final Set<String> PROBES = Set.of("/v2/health/live", "/v2/health/ready");

  /** Longest Origin echoed in a refusal; the header is the client's, not ours to log at length. */
  private static final int MAX_ECHO = 200;

  private final List<Authority> allowedOrigins;
  private final List<Authority> allowedHosts;

  /**
   * @param allowedOrigins entries of modelfleet.gateway.allowed-origins
   * @param allowedHosts entries of modelfleet.gateway.allowed-hosts; empty: any Host
   * @throws IllegalArgumentException naming the setting and the entry that is not an origin or host
   */
  public BrowserGuard(List<String> allowedOrigins, List<String> allowedHosts) {
    this.allowedOrigins = parse("allowed-origins", allowedOrigins);
    this.allowedHosts = parse("allowed-hosts", allowedHosts);
    for (Authority a : this.allowedHosts) {
      if (!a.scheme().isEmpty()) {
        throw new IllegalArgumentException(
            "modelfleet.gateway.allowed-hosts lists host names (host or host:port), got "
                + a.scheme()
                + "://"
                + a.host());
      }
    }
  }

  /** From {@code modelfleet.gateway.allowed-origins} and {@code .allowed-hosts}. */
  public static BrowserGuard fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.gateway");
    return new BrowserGuard(list(c, "allowed-origins"), list(c, "allowed-hosts"));
  }

  /**
   * The refusal of a request, or empty to let it through.
   *
   * @param method the request method, upper case
   * @param path the request path, without query
   * @param host the Host header's value, if any
   * @param origin the Origin header's value, if any
   * @param mediaType the body's media type ({@code type/subtype}, lower case), if it has one
   */
  public Optional<ApiException> check(
      String method,
      String path,
      Optional<String> host,
      Optional<String> origin,
      Optional<String> mediaType) {
    Optional<Authority> requestHost = host.flatMap(Authority::parse);
    if (!allowedHosts.isEmpty() && !PROBES.contains(path)) {
      if (requestHost.isEmpty()) {
        return Optional.of(
            ApiException.badRequest(
                "the request names no valid Host, and modelfleet.gateway.allowed-hosts is set"));
      }
      if (allowedHosts.stream().noneMatch(a -> a.admitsHost(requestHost.get()))) {
        return Optional.of(
            new ApiException(
                421,
                "host '"
                    + clip(host.get())
                    + "' is not served here: list it in modelfleet.gateway.allowed-hosts"));
      }
    }
    if (!STATE_CHANGING.contains(method)) {
      return Optional.empty();
    }
    if (origin.isPresent() && !originAllowed(origin.get(), requestHost)) {
      return Optional.of(
          new ApiException(
              403,
              "cross-site request from origin "
                  + clip(origin.get())
                  + " refused (a page may call this gateway from another site only when"
                  + " modelfleet.gateway.allowed-origins lists its origin)"));
    }
    if (mediaType.isPresent()
        && SIMPLE_TYPES.contains(mediaType.get())
        && !RAW_UPLOAD.matcher(path).matches()) {
      String allowed =
          INFER.matcher(path).matches()
              ? "application/json (or application/octet-stream with binary tensors)"
              : "application/json";
      return Optional.of(
          new ApiException(
              415,
              "Content-Type "
                  + mediaType.get()
                  + " is refused here, as browsers send it from any site: send "
                  + allowed
                  + " (curl: -H 'Content-Type: application/json')"));
    }
    return Optional.empty();
  }

  private boolean originAllowed(String origin, Optional<Authority> requestHost) {
    Optional<Authority> o = Authority.parse(origin);
    if (o.isEmpty() || o.get().scheme().isEmpty()) {
      return false; // "null" (sandboxed frames, file: pages) or junk: no site to trust
    }
    if (requestHost.isPresent() && requestHost.get().sameSiteAs(o.get())) {
      return true;
    }
    return allowedOrigins.stream().anyMatch(a -> a.admits(o.get()));
  }

  private static String clip(String s) {
    return s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO) + "...";
  }

  private static List<Authority> parse(String key, List<String> entries) {
    return entries.stream()
        .map(String::trim)
        .filter(e -> !e.isEmpty())
        .map(
            e ->
                Authority.parse(e)
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "modelfleet.gateway."
                                    + key
                                    + " lists '"
                                    + e
                                    + "', which is not [scheme://]host[:port]")))
        .toList();
  }

  /** A HOCON list, or a comma-separated string (what an environment variable can hold). */
  private static List<String> list(Config c, String key) {
    if (c.getValue(key).valueType() == ConfigValueType.LIST) {
      return c.getStringList(key);
    }
    return Arrays.asList(c.getString(key).split(","));
  }
}
