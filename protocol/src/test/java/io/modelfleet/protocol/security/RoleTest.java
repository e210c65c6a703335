package io.modelfleet.protocol.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each role may do. */
class RoleTest {

  @Test
  void adminHasEveryPermission() {
    assertEquals(EnumSet.allOf(Permission.class), EnumSet.copyOf(Role.ADMIN.permissions()));
  }

  @Test
  void viewerOnlyReads() {
    assertEquals(Set.of(Permission.READ_MODEL, Permission.READ_CLUSTER), Role.VIEWER.permissions());
  }

  @Test
  void onlyAdminManagesTheClusterAndKeys() {
    for (Role r : Role.values()) {
      boolean admin = r == Role.ADMIN;
      assertEquals(admin, r.permissions().contains(Permission.MANAGE_CLUSTER), r.label());
      assertEquals(admin, r.permissions().contains(Permission.MANAGE_KEYS), r.label());
    }
  }

  @Test
  void theOtherRolesCarryWhatTheIssueNames() {
    assertTrue(Role.OPERATOR.permissions().contains(Permission.DEPLOY));
    assertFalse(Role.OPERATOR.permissions().contains(Permission.UPLOAD));
    assertEquals(Set.of(Permission.UPLOAD, Permission.READ_MODEL), Role.PUBLISHER.permissions());
    assertEquals(Set.of(Permission.INFER, Permission.READ_MODEL), Role.INFERRER.permissions());
    for (Role r : Role.values()) {
      assertTrue(r.permissions().contains(Permission.READ_MODEL), r.label());
    }
  }

  @Test
  void labelsParseCaseInsensitively() {
    assertEquals(Optional.of(Role.INFERRER), Role.parse("inferrer"));
    assertEquals(Optional.of(Role.ADMIN), Role.parse("ADMIN"));
    assertEquals(Optional.empty(), Role.parse("root"));
    assertEquals("operator", Role.OPERATOR.label());
    assertEquals("manage_keys", Permission.MANAGE_KEYS.label());
  }

  @Test
  void aKeyHasThePermissionsOfAllItsRolesWhileUsable() {
    ApiKey key =
        new ApiKey(
            "k",
            "n",
            "default",
            Set.of(Role.PUBLISHER, Role.INFERRER),
            List.of(Grant.ALL),
            KeyLimits.NONE,
            "h",
            "p",
            1,
            1000,
            0);
    assertTrue(key.has(Permission.UPLOAD));
    assertTrue(key.has(Permission.INFER));
    assertFalse(key.has(Permission.DEPLOY));
    assertTrue(key.usableAt(999));
    assertFalse(key.usableAt(1000), "expired");
    assertFalse(key.revoked(5).usableAt(6), "revoked");
  }
}
