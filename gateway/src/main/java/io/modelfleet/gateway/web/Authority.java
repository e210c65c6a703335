package io.modelfleet.gateway.web;

import java.util.Locale;
import java.util.Optional;

/**
 * A host name with an optional port and scheme, as a {@code Host} header ({@code host[:port]}), an
 * {@code Origin} header ({@code scheme://host[:port]}) or an allow-list entry writes it. Host names
 * compare without case; IPv6 literals keep their brackets so that their colons are not read as a
 * port.
 *
 * @param scheme lower-case scheme, empty when none was written
 * @param host lower-case host name or bracketed IPv6 literal
 * @param port the port written, or -1
 */
record Authority(String scheme, String host, int port) {

  /** Parses {@code [scheme://]host[:port]}; empty when it is not one (a path, "null", junk). */
  static Optional<Authority> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    String scheme = "";
    int sep = s.indexOf("://");
    if (sep >= 0) {
      scheme = s.substring(0, sep);
      s = s.substring(sep + 3);
      if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
        return Optional.empty();
      }
    }
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1); // some allow-list entries are written with one
    }
    String host = s;
    int port = -1;
    int colon = s.lastIndexOf(':');
    if (colon >= 0 && colon > s.lastIndexOf(']')) {
      host = s.substring(0, colon);
      port = port(s.substring(colon + 1));
      if (port < 0) {
        return Optional.empty();
      }
    }
    if (host.isEmpty() || !host.matches("[a-z0-9._~%!$&'()*+,;=-]+|\\[[0-9a-f:.]+\\]")) {
      return Optional.empty();
    }
    return Optional.of(new Authority(scheme, host, port));
  }

  /** The port a browser means when it writes none: the scheme's default, or -1. */
  int effectivePort() {
    if (port >= 0) {
      return port;
    }
    return switch (scheme) {
      case "http" -> 80;
      case "https" -> 443;
      default -> -1;
    };
  }

  /**
   * Whether a request whose {@code Host} header is {@code this} comes from a page at {@code
   * origin}: the same host, and the same port. A Host without a port is what a client writes for
   * the default port of the scheme it used, and the gateway may sit behind a proxy that ends TLS,
   * so it matches an origin on port 80 or 443.
   */
  boolean sameSiteAs(Authority origin) {
    if (!host.equals(origin.host)) {
      return false;
    }
    int theirs = origin.effectivePort();
    return port < 0 ? theirs == 80 || theirs == 443 : port == theirs;
  }

  /**
   * Whether this allow-list entry admits {@code origin}: the same host; the same scheme when the
   * entry names one; the same port when the entry names one or a scheme (then its default).
   */
  boolean admits(Authority origin) {
    if (!host.equals(origin.host)) {
      return false;
    }
    if (!scheme.isEmpty() && !scheme.equals(origin.scheme)) {
      return false;
    }
    return (port < 0 && scheme.isEmpty()) || effectivePort() == origin.effectivePort();
  }

  /** Whether this allow-list entry admits a request whose Host header is {@code host}. */
  boolean admitsHost(Authority requestHost) {
    return host.equals(requestHost.host) && (port < 0 || port == requestHost.port);
  }

  private static int port(String digits) {
    if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int p = Integer.parseInt(digits);
    return p <= 65535 ? p : -1;
  }
}
