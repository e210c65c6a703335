package io.modelfleet.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Permission;
import io.modelfleet.protocol.security.Role;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every branch of the access decision. */
class AccessDecisionTest {

  /** "a-model" of tenant a, "legacy" recorded before tenants (default), "b-model" of tenant b. */
  private static final ModelTenants TENANTS =
      m ->
          Optional.ofNullable(
              Map.of("a-model", "a", "legacy", ModelTenants.DEFAULT, "b-model", "b").get(m));

  private static final ApiKey CLUSTER_ADMIN = Keys.make("root", "default", Role.ADMIN).key();
  private static final ApiKey A_ADMIN = Keys.make("a-admin", "a", Role.ADMIN).key();
  private static final ApiKey A_INFERRER = Keys.make("a-inf", "a", Role.INFERRER).key();
  private static final ApiKey A_NARROW = Keys.make("a-narrow", "a", Role.INFERRER, "x-*").key();
  private static final ApiKey DEFAULT_VIEWER = Keys.make("viewer", "default", Role.VIEWER).key();
  private static final ApiKey DEFAULT_OPERATOR =
      Keys.make("operator", "default", Role.OPERATOR).key();

  private static AccessDecision decide(ApiKey key, RouteRequirement r) {
    return AccessDecision.decide(Optional.ofNullable(key), r, TENANTS);
  }

  @Test
  void publicRoutesNeedNoKey() {
    assertEquals(
        new AccessDecision.Allowed(Optional.empty()), decide(null, RouteRequirement.PUBLIC));
    assertEquals(
        new AccessDecision.Allowed(Optional.of(A_INFERRER)),
        decide(A_INFERRER, RouteRequirement.PUBLIC));
  }

  @Test
  void everyOtherRouteNeedsAKey() {
    for (RouteRequirement r :
        new RouteRequirement[] {
          RouteRequirement.ANY_KEY,
          RouteRequirement.needs(Permission.READ_MODEL),
          RouteRequirement.needs(Permission.INFER, "a-model"),
          RouteRequirement.needs(Permission.MANAGE_CLUSTER)
        }) {
      AccessDecision d = decide(null, r);
      assertInstanceOf(AccessDecision.Unauthenticated.class, d, r.toString());
      assertTrue(((AccessDecision.Unauthenticated) d).message().contains("Bearer"));
    }
  }

  @Test
  void anyKeyPassesAnUnservedPath() {
    assertInstanceOf(
        AccessDecision.Allowed.class, decide(DEFAULT_VIEWER, RouteRequirement.ANY_KEY));
  }

  @Test
  void aMissingPermissionIsNamed() {
    assertEquals(
        new AccessDecision.Forbidden("this key lacks the 'deploy' permission"),
        decide(A_INFERRER, RouteRequirement.needs(Permission.DEPLOY, "a-model")));
    assertEquals(
        new AccessDecision.Forbidden("this key lacks the 'manage_cluster' permission"),
        decide(DEFAULT_OPERATOR, RouteRequirement.needs(Permission.MANAGE_CLUSTER)));
    assertEquals(
        new AccessDecision.Forbidden("this key lacks the 'manage_keys' permission"),
        decide(DEFAULT_VIEWER, RouteRequirement.needs(Permission.MANAGE_KEYS)));
  }

  @Test
  void thePermissionIsCheckedBeforeTheModelSoA403RevealsNothing() {
    // b-model belongs to another tenant, but lacking the permission answers the same for any
    // model, existing or not.
    assertEquals(
        decide(A_INFERRER, RouteRequirement.needs(Permission.UPLOAD, "b-model")),
        decide(A_INFERRER, RouteRequirement.needs(Permission.UPLOAD, "no-such-model")));
  }

  @Test
  void clusterAndKeyPermissionsNeedAKeyOfTheDefaultTenant() {
    assertInstanceOf(
        AccessDecision.Allowed.class,
        decide(CLUSTER_ADMIN, RouteRequirement.needs(Permission.MANAGE_CLUSTER)));
    assertInstanceOf(
        AccessDecision.Allowed.class,
        decide(DEFAULT_VIEWER, RouteRequirement.needs(Permission.READ_CLUSTER)));
    for (Permission p :
        new Permission[] {
          Permission.MANAGE_CLUSTER, Permission.MANAGE_KEYS, Permission.READ_CLUSTER
        }) {
      AccessDecision d = decide(A_ADMIN, RouteRequirement.needs(p));
      assertInstanceOf(AccessDecision.Forbidden.class, d, p.label());
      assertTrue(((AccessDecision.Forbidden) d).message().contains("'default' tenant"));
    }
  }

  @Test
  void listingsAreAllowedAndFilteredAfterwards() {
    assertInstanceOf(
        AccessDecision.Allowed.class,
        decide(A_NARROW, RouteRequirement.needs(Permission.READ_MODEL)));
  }

  @Test
  void aModelOfTheKeysTenantIsAllowed() {
    assertEquals(
        new AccessDecision.Allowed(Optional.of(A_INFERRER)),
        decide(A_INFERRER, RouteRequirement.needs(Permission.INFER, "a-model")));
    assertInstanceOf(
        AccessDecision.Allowed.class,
        decide(DEFAULT_VIEWER, RouteRequirement.needs(Permission.READ_MODEL, "legacy")));
  }

  @Test
  void anotherTenantsModelIsHiddenWhateverTheGrants() {
    assertEquals(
        new AccessDecision.Hidden("b-model"),
        decide(A_INFERRER, RouteRequirement.needs(Permission.INFER, "b-model")));
    assertEquals(
        new AccessDecision.Hidden("b-model"),
        decide(A_NARROW, RouteRequirement.needs(Permission.INFER, "b-model")));
    // A tenant's admin is no cluster administrator: the default tenant's models are hidden too.
    assertEquals(
        new AccessDecision.Hidden("legacy"),
        decide(A_ADMIN, RouteRequirement.needs(Permission.DEPLOY, "legacy")));
    assertEquals(
        new AccessDecision.Hidden("a-model"),
        decide(DEFAULT_OPERATOR, RouteRequirement.needs(Permission.DEPLOY, "a-model")));
  }

  @Test
  void anUngrantedModelOfTheOwnTenantIsForbiddenNamingTheGrant() {
    assertEquals(
        new AccessDecision.Forbidden("this key's grants do not cover model 'a-model'"),
        decide(A_NARROW, RouteRequirement.needs(Permission.INFER, "a-model")));
  }

  @Test
  void anUngrantedModelThatDoesNotExistIsHiddenLikeAnotherTenants() {
    // Otherwise 403 (absent) and 404 (another tenant's) would tell a narrow key which names exist.
    assertEquals(
        new AccessDecision.Hidden("nothing"),
        decide(A_NARROW, RouteRequirement.needs(Permission.INFER, "nothing")));
  }

  @Test
  void aGrantedModelThatDoesNotExistIsLeftToTheRoute() {
    // The route answers its own 404, or the upload creates the model in the key's tenant.
    assertInstanceOf(
        AccessDecision.Allowed.class,
        decide(A_INFERRER, RouteRequirement.needs(Permission.READ_MODEL, "nothing")));
    assertInstanceOf(
        AccessDecision.Allowed.class,
        decide(A_NARROW, RouteRequirement.needs(Permission.INFER, "x-new")));
  }

  @Test
  void theClusterAdministratorSeesEveryTenantButKeepsItsGrants() {
    assertInstanceOf(
        AccessDecision.Allowed.class,
        decide(CLUSTER_ADMIN, RouteRequirement.needs(Permission.DEPLOY, "b-model")));
    ApiKey narrowRoot = Keys.make("root2", "default", Role.ADMIN, "x-*").key();
    assertEquals(
        new AccessDecision.Forbidden("this key's grants do not cover model 'b-model'"),
        decide(narrowRoot, RouteRequirement.needs(Permission.DEPLOY, "b-model")));
    assertTrue(AccessDecision.clusterAdmin(CLUSTER_ADMIN));
    assertFalse(AccessDecision.clusterAdmin(A_ADMIN));
    assertFalse(AccessDecision.clusterAdmin(DEFAULT_OPERATOR));
  }

  @Test
  void listingsShowTheKeysTenantAndGrants() {
    assertTrue(AccessDecision.visible(A_INFERRER, "a-model", TENANTS));
    assertFalse(AccessDecision.visible(A_INFERRER, "b-model", TENANTS));
    assertFalse(AccessDecision.visible(A_INFERRER, "legacy", TENANTS));
    assertFalse(AccessDecision.visible(A_NARROW, "a-model", TENANTS));
    assertTrue(AccessDecision.visible(DEFAULT_VIEWER, "legacy", TENANTS));
    assertFalse(AccessDecision.visible(DEFAULT_VIEWER, "a-model", TENANTS));
    assertTrue(AccessDecision.visible(CLUSTER_ADMIN, "b-model", TENANTS));
    assertTrue(Identity.ANONYMOUS.sees("b-model", TENANTS));
    assertFalse(Identity.of(A_INFERRER).sees("b-model", TENANTS));
  }
}
