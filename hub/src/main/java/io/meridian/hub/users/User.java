package io.meridian.hub.users;

import java.time.Instant;

/** A hub account. The password hash never leaves {@link UserStore}. */
public record User(long id, String name, boolean admin, Instant created, Instant lastActivity) {
}
