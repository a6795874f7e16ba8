package io.meridian.hub.courses;

/**
 * One person on a course roster, from a roster CSV or a directory group.
 *
 * @param username the hub user name (validated by the caller with the hub's name rules)
 * @param email    e-mail address, empty when unknown
 * @param name     display name, empty when unknown
 */
public record RosterEntry(String username, String email, String name) {
    public RosterEntry {
        email = email == null ? "" : email;
        name = name == null ? "" : name;
    }
}
