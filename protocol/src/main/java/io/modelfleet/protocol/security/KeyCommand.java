package io.modelfleet.protocol.security;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.model.RequestMeta;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Commands to the key registry: one event-sourced entity ({@link #REGISTRY_ID}) holding every API
 * key, whose journal is the audit history of keys. Every change carries the {@link RequestMeta} of
 * who asked. The caller makes the secret and sends only its hash ({@link KeySecrets}); the secret
 * itself never reaches the registry, the journal or another node.
 */
public sealed interface KeyCommand extends FleetSerializable {

  EntityTypeKey<KeyCommand> TYPE_KEY = EntityTypeKey.create(KeyCommand.class, "ApiKeys");

  /** The one entity id of the registry. */
  String REGISTRY_ID = "registry";

  /** Adds a key; rejected (409) when the id or the name is taken by a key that is not revoked. */
  record Create(ApiKey key, RequestMeta meta, ActorRef<KeyReply> replyTo) implements KeyCommand {}

  /** Revokes a key for good; revoking a revoked key answers it unchanged. */
  record Revoke(String id, RequestMeta meta, ActorRef<KeyReply> replyTo) implements KeyCommand {}

  /** Replaces a key's roles and grants. */
  record ChangeAccess(
      String id, Set<Role> roles, List<Grant> grants, RequestMeta meta, ActorRef<KeyReply> replyTo)
      implements KeyCommand {}

  /** Replaces a key's limits. */
  record ChangeLimits(String id, KeyLimits limits, RequestMeta meta, ActorRef<KeyReply> replyTo)
      implements KeyCommand {}

  /** Every key, revoked ones included. */
  record GetKeys(ActorRef<KeyReply> replyTo) implements KeyCommand {}
}
