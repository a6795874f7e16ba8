package io.meridian.hub.courses;

import io.meridian.hub.audit.AuditLog;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.servers.ServerGrants;
import io.meridian.hub.servers.StartPolicy;
import io.meridian.hub.users.User;
import io.meridian.hub.web.ApiException;
import io.meridian.spawner.Mount;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a course means to servers: a member's server named after the course starts with the course's
 * profile and shared data (read-only at {@code ~/<course>-data}) and counts against its quota, whichever API
 * started it; and an instructor may open exactly their students' course servers through the proxy, which
 * is written to the audit log the first time each credential opens each server.
 */
public final class CoursePolicy implements StartPolicy, ServerGrants {
    /** The userOptions key of the Docker spawner's profile. */
    static final String PROFILE = "profile";

    private final CourseStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final Set<String> auditedGrants = ConcurrentHashMap.newKeySet();

    public CoursePolicy(CourseStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** Where a course's shared data appears in its servers, relative to the home. */
    public static String dataTarget(String course) {
        return course + "-data";
    }

    @Override
    public Plan plan(User user, String serverName, Map<String, Object> userOptions) {
        Optional<Course> found = serverName.isEmpty() ? Optional.empty() : store.find(serverName);
        if (found.isEmpty() || store.role(found.get().id(), user.id()).isEmpty()) {
            return new Plan(userOptions, List.of());
        }
        Course course = found.get();
        int limit = course.quota().maxServers();
        if (limit > 0) {
            int active = store.activeServers(course.id(), course.name());
            if (active >= limit) {
                throw ApiException.conflict("course " + course.name() + " already has " + active
                        + " servers starting or running, its quota; stop one or ask an admin to raise the quota");
            }
        }
        Map<String, Object> options = course.profile() == null ? Map.of() : Map.of(PROFILE, course.profile());
        List<Mount> mounts = course.dataPath() == null ? List.of()
                : List.of(new Mount(Path.of(course.dataPath()), dataTarget(course.name()), true));
        return new Plan(options, mounts);
    }

    @Override
    public boolean allows(Caller caller, String credential, String user, String server) {
        // a credential that may not even reach its owner's servers reaches no student's either
        if (server.isEmpty() || !caller.can("access:servers", caller.name()) || !store.teaches(caller.name(), user, server)) {
            return false;
        }
        if (auditedGrants.add(credential + " " + user + "/" + server)) {
            audit.record(clock.instant(), caller.name(), "OPEN", "/user/" + user + "/" + server + "/", 200,
                    caller.tokenId() == null ? "session" : "token");
        }
        return true;
    }
}
