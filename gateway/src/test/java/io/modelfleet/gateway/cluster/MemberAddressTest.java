package io.modelfleet.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class MemberAddressTest {

  private static final Address A = new Address("pekko", "modelfleet", "127.0.0.1", 25520);
  private static final Address B = new Address("pekko", "modelfleet", "127.0.0.1", 25521);
  private static final Address C = new Address("pekko", "modelfleet", "worker-3.example", 25520);
  private static final List<Address> MEMBERS = List.of(A, B, C);

  @Test
  void theFullAddressMatchesAsPekkoHttpDecodesIt() {
    assertEquals(Optional.of(B), MemberAddress.find("pekko://modelfleet@127.0.0.1:25521", MEMBERS));
  }

  @Test
  void theFullAddressMatchesStillEncoded() {
    assertEquals(
        Optional.of(A),
        MemberAddress.find("pekko%3A%2F%2Fmodelfleet%40127.0.0.1%3A25520", MEMBERS));
    assertEquals(
        Optional.of(A),
        MemberAddress.find("pekko%3a%2f%2fmodelfleet%40127.0.0.1%3a25520", MEMBERS));
  }

  @Test
  void aTrailingSlashIsIgnored() {
    assertEquals(
        Optional.of(A), MemberAddress.find("pekko://modelfleet@127.0.0.1:25520/", MEMBERS));
  }

  @Test
  void theShortFormMatchesHostAndPort() {
    assertEquals(Optional.of(A), MemberAddress.find("127.0.0.1:25520", MEMBERS));
    assertEquals(Optional.of(B), MemberAddress.find("127.0.0.1%3A25521", MEMBERS));
    assertEquals(Optional.of(C), MemberAddress.find("Worker-3.example:25520", MEMBERS));
    assertEquals(Optional.of(A), MemberAddress.find("modelfleet@127.0.0.1:25520", MEMBERS));
  }

  @Test
  void anIpv6HostMatchesWithOrWithoutBrackets() {
    Address v6 = new Address("pekko", "modelfleet", "0:0:0:0:0:0:0:1", 25520);
    assertEquals(Optional.of(v6), MemberAddress.find("[0:0:0:0:0:0:0:1]:25520", List.of(A, v6)));
    assertEquals(Optional.of(v6), MemberAddress.find("0:0:0:0:0:0:0:1:25520", List.of(A, v6)));
  }

  @Test
  void unknownAddressesMatchNothing() {
    assertEquals(Optional.empty(), MemberAddress.find("127.0.0.1:25599", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("10.0.0.1:25520", MEMBERS));
    assertEquals(
        Optional.empty(), MemberAddress.find("pekko://modelfleet@127.0.0.1:25599", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("pekko://other@127.0.0.1:25520", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("other@127.0.0.1:25520", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("127.0.0.1", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("127.0.0.1:http", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("%zz", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("", MEMBERS));
    assertEquals(Optional.empty(), MemberAddress.find("127.0.0.1:25520", List.of()));
  }
}
