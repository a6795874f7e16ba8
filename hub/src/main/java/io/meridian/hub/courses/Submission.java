package io.meridian.hub.courses;

import java.time.Instant;

/** One snapshot a student submitted; the files are in the hub's submission store under its id. */
public record Submission(long id, long assignmentId, long userId, String username, Instant submittedAt, int files,
                         long bytes) {
}
