package dev.discordbridge.access;

import java.util.Objects;

/**
 * One permission overwrite of a channel: for a role (the {@code @everyone} role's id is the
 * guild's id) or for a member, the bits it allows and the bits it denies.
 */
public record Overwrite(String id, Kind kind, long allow, long deny) {
  public enum Kind { ROLE, MEMBER }

  public Overwrite {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
  }

  public static Overwrite role(String roleId, long allow, long deny) {
    return new Overwrite(roleId, Kind.ROLE, allow, deny);
  }

  public static Overwrite member(String userId, long allow, long deny) {
    return new Overwrite(userId, Kind.MEMBER, allow, deny);
  }
}
