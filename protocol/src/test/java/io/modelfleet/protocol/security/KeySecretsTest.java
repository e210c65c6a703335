package io.modelfleet.protocol.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Key secrets: 256 random bits, a stable SHA-256, a recognisable prefix, a strict shape. */
class KeySecretsTest {

  @Test
  void aSecretCarries256RandomBits() {
    String s = KeySecrets.generate();
    assertTrue(s.startsWith("mfk_"), s.substring(0, 4));
    byte[] bits = Base64.getUrlDecoder().decode(s.substring(4));
    assertEquals(32, bits.length);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertTrue(seen.add(KeySecrets.generate()), "secrets repeat");
    }
  }

  @Test
  void generatedSecretsAreWellFormed() {
    for (int i = 0; i < 100; i++) {
      assertTrue(KeySecrets.wellFormed(KeySecrets.generate()));
    }
  }

  @Test
  void malformedCredentialsAreRecognised() {
    String good = KeySecrets.generate();
    assertFalse(KeySecrets.wellFormed(null));
    assertFalse(KeySecrets.wellFormed(""));
    assertFalse(KeySecrets.wellFormed("mfk_"));
    assertFalse(KeySecrets.wellFormed(good.substring(0, good.length() - 1)), "too short");
    assertFalse(KeySecrets.wellFormed(good + "A"), "too long");
    assertFalse(KeySecrets.wellFormed("xyz_" + good.substring(4)), "wrong scheme");
    assertFalse(KeySecrets.wellFormed(good.substring(0, 10) + "+" + good.substring(11)));
    assertFalse(KeySecrets.wellFormed(good.substring(0, 10) + "=" + good.substring(11)));
    assertFalse(KeySecrets.wellFormed(good.substring(0, 10) + " " + good.substring(11)));
  }

  @Test
  void theHashIsStableHexSha256() {
    String s = KeySecrets.generate();
    assertEquals(KeySecrets.hash(s), KeySecrets.hash(s));
    assertEquals(64, KeySecrets.hash(s).length());
    assertTrue(KeySecrets.hash(s).matches("[0-9a-f]{64}"));
    assertNotEquals(KeySecrets.hash(s), KeySecrets.hash(KeySecrets.generate()));
    // SHA-256("abc"), the FIPS 180-2 test vector.
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeySecrets.hash("abc"));
  }

  @Test
  void thePrefixIsTheSchemeAndSixCharacters() {
    String s = KeySecrets.generate();
    assertEquals(10, KeySecrets.prefix(s).length());
    assertTrue(s.startsWith(KeySecrets.prefix(s)));
    assertEquals("mfk", KeySecrets.prefix("mfk"));
  }

  @Test
  void sameHashComparesWholeHashes() {
    String h = KeySecrets.hash(KeySecrets.generate());
    assertTrue(KeySecrets.sameHash(h, new String(h.toCharArray())));
    assertFalse(KeySecrets.sameHash(h, KeySecrets.hash(KeySecrets.generate())));
    assertFalse(KeySecrets.sameHash(h, h.substring(0, 63)));
    assertFalse(KeySecrets.sameHash(h, ""));
  }
}
