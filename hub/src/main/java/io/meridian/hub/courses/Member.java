package io.meridian.hub.courses;

import java.time.Instant;

/** A course member with what the roster said about them. */
public record Member(long userId, String username, CourseRole role, String email, String name, Instant added) {
}
