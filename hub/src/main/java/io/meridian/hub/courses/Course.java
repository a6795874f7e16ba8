package io.meridian.hub.courses;

import java.time.Instant;

/**
 * A course as stored.
 *
 * @param profile  the Docker spawner profile its servers start with; null for the spawner's default
 * @param dataPath folder on the hub shown read-only in every course server; null for none
 */
public record Course(long id, String name, String title, String profile, String dataPath, CourseQuota quota,
                     Instant created) {
}
