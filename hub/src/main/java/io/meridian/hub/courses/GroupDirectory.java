package io.meridian.hub.courses;

import java.util.List;

/**
 * Where a course can take its students from besides a roster CSV: the members of a group in the
 * identity provider (Keycloak), including people who have never logged in to the hub yet.
 */
public interface GroupDirectory {

    /**
     * The direct members of {@code group} (a group name or path such as {@code /courses/ml-101}).
     *
     * @throws io.meridian.hub.web.ApiException not found for an unknown group, bad gateway-style
     *                                          errors when the directory cannot be reached
     */
    default List<RosterEntry> members(String group) {
        return members(group, false);
    }

    /**
     * The members of {@code group}, and with {@code withSubgroups} those of every group below it too (a lecture
     * with a group per lab), each person once.
     */
    List<RosterEntry> members(String group, boolean withSubgroups);
}
