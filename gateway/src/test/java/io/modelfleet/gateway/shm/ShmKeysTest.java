package io.modelfleet.gateway.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelfleet.gateway.ApiException;
import org.junit.jupiter.api.Test;

class ShmKeysTest {

  @Test
  void aKeyIsOneFileNameWithOrWithoutItsLeadingSlash() {
    assertEquals("input0", ShmKeys.fileName("/input0"));
    assertEquals("input0", ShmKeys.fileName("input0"));
    assertEquals("a.b-c_d", ShmKeys.fileName("/a.b-c_d"));
  }

  @Test
  void keysThatCouldLeaveTheDirectoryAreRefused() {
    for (String key :
        new String[] {"/a/b", "a/b", "//a", "/..", "..", "/a..b", "/", "", ".", "/."}) {
      assertEquals(
          400, assertThrows(ApiException.class, () -> ShmKeys.fileName(key)).status(), key);
    }
  }
}
