package io.meridian.hub.courses;

import io.meridian.hub.web.ApiException;

/**
 * What a course may use: servers running at once (0: no limit) and the most one server may have
 * (its profile must fit; 0 CPUs or memory: no limit).
 */
public record CourseQuota(int maxServers, double cpus, long memoryBytes, int gpus) {
    public static final CourseQuota NONE = new CourseQuota(0, 0, 0, 0);

    public CourseQuota {
        if (maxServers < 0 || cpus < 0 || memoryBytes < 0 || gpus < 0) {
            throw ApiException.badRequest("quota values must not be negative");
        }
    }
}
