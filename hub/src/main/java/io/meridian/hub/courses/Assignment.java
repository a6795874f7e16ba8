package io.meridian.hub.courses;

import java.time.Instant;

/** An assignment of a course; {@code due} may be null (no due date, never late). */
public record Assignment(long id, long courseId, String name, Instant due, Instant created) {
    public boolean late(Instant submittedAt) {
        return due != null && submittedAt != null && submittedAt.isAfter(due);
    }
}
