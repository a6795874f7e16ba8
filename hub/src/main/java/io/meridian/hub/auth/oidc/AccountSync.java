package io.meridian.hub.auth.oidc;

import io.meridian.hub.groups.GroupStore;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Brings a hub account in line with a Keycloak identity: creates it on first use (if allowed),
 * sets the admin flag, and syncs group membership. Only groups Keycloak manages (created by
 * this sync, marked with the property {@code source: keycloak}) lose members here; groups an
 * admin made in the hub keep theirs, and gain a member when Keycloak says so.
 */
public final class AccountSync {
    static final String SOURCE_PROPERTY = "source";
    static final String SOURCE_KEYCLOAK = "keycloak";

    private final UserStore users;
    private final GroupStore groups;
    private final boolean createUsers;

    public AccountSync(UserStore users, GroupStore groups, boolean createUsers) {
        this.users = users;
        this.groups = groups;
        this.createUsers = createUsers;
    }

    /** The synced hub user, or empty when the user does not exist and may not be created. */
    public synchronized Optional<User> sync(ClaimMapping.Identity identity) {
        Optional<User> existing = users.find(identity.username());
        User user;
        if (existing.isPresent()) {
            user = existing.get();
            if (user.admin() != identity.admin()) {
                user = users.update(user.name(), null, identity.admin());
            }
        } else if (createUsers) {
            user = users.create(List.of(identity.username()), identity.admin()).getFirst();
        } else {
            return Optional.empty();
        }
        syncGroups(user, identity.groups());
        return Optional.of(user);
    }

    private void syncGroups(User user, Set<String> wanted) {
        Set<String> current = new HashSet<>(users.groupsOf(user.id()));
        for (String name : current) {
            if (!wanted.contains(name) && groups.find(name).map(AccountSync::managed).orElse(false)) {
                groups.removeUsers(name, List.of(user.name()));
            }
        }
        for (String name : wanted) {
            if (current.contains(name)) {
                continue;
            }
            if (groups.find(name).isPresent()) {
                groups.addUsers(name, List.of(user.name()));
            } else {
                try {
                    groups.create(name, List.of(user.name()));
                    groups.setProperties(name, Map.of(SOURCE_PROPERTY, SOURCE_KEYCLOAK));
                } catch (ApiException e) {
                    if (e.status() != 409) {
                        throw e;
                    }
                    groups.addUsers(name, List.of(user.name()));
                }
            }
        }
    }

    private static boolean managed(GroupStore.Group group) {
        return SOURCE_KEYCLOAK.equals(group.properties().get(SOURCE_PROPERTY));
    }
}
