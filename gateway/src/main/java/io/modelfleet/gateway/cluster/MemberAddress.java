package io.modelfleet.gateway.cluster;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.actor.Address;

/**
 * Finds the member an operator names in {@code /v1/cluster/members/{address}/...}.
 *
 * <p>Two forms are accepted:
 *
 * <ul>
 *   <li>the full address as the members endpoint lists it, URL-encoded in the path ({@code
 *       pekko%3A%2F%2Fmodelfleet%40127.0.0.1%3A25520});
 *   <li>the short form {@code host:port} ({@code 127.0.0.1:25520}), matching the member with that
 *       host and port ({@code modelfleet@127.0.0.1:25520} is accepted too); an IPv6 host may be
 *       written with or without brackets.
 * </ul>
 *
 * pekko-http decodes a path segment once; a value that still holds percent escapes (a client that
 * encoded twice) is decoded again. Host names are compared as written, without name resolution.
 */
public final class MemberAddress {

  private MemberAddress() {}

  /** The member {@code given} names among {@code members}, or empty when none matches. */
  public static Optional<Address> find(String given, Collection<Address> members) {
    if (given == null) {
      return Optional.empty();
    }
    String s = decode(given.trim());
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    for (Address a : members) {
      if (a.toString().equals(s)) {
        return Optional.of(a);
      }
    }
    if (s.contains("://")) {
      return Optional.empty();
    }
    HostPort hp = HostPort.parse(s);
    if (hp == null) {
      return Optional.empty();
    }
    for (Address a : members) {
      if (hp.matches(a)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Decodes percent escapes only ('+' stays '+'); a malformed escape leaves the value as given. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** {@code host:port}, or {@code system@host:port} (the full form without its scheme). */
  private record HostPort(String system, String host, int port) {

    static HostPort parse(String given) {
      String system = null;
      String s = given;
      int at = s.indexOf('@');
      if (at >= 0) {
        system = s.substring(0, at);
        s = s.substring(at + 1);
      }
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        return null;
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      return port < 0 || port > 65535
          ? null
          : new HostPort(system, normalize(s.substring(0, colon)), port);
    }

    boolean matches(Address a) {
      return (system == null || system.equals(a.system()))
          && a.getPort().map(p -> p == port).orElse(false)
          && a.getHost().map(h -> normalize(h).equals(host)).orElse(false);
    }

    private static String normalize(String host) {
      String h =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return h.toLowerCase(Locale.ROOT);
    }
  }
}
