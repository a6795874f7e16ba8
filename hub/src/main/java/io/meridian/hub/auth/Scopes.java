package io.meridian.hub.auth;

import io.meridian.hub.web.ApiException;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JupyterHub's scopes: names, the hierarchy that expands a scope into the scopes it implies,
 * the {@code self} and {@code inherit} metascopes, and filters such as {@code servers!user=alice}.
 * A scope set is always kept expanded, so a check is a set lookup.
 */
public final class Scopes {

    /** Each scope and the scopes it directly implies. */
    private static final Map<String, List<String>> IMPLIES = Map.ofEntries(
            Map.entry("admin:users", List.of("users", "admin:auth_state", "delete:users", "list:users", "read:roles:users")),
            Map.entry("users", List.of("read:users", "users:activity", "list:users")),
            Map.entry("read:users", List.of("read:users:name", "read:users:groups", "read:users:activity")),
            Map.entry("users:activity", List.of("read:users:activity")),
            Map.entry("admin:servers", List.of("servers", "admin:server_state")),
            Map.entry("servers", List.of("read:servers", "start:servers", "delete:servers")),
            Map.entry("read:servers", List.of("read:users:name")),
            Map.entry("tokens", List.of("read:tokens")),
            Map.entry("admin:groups", List.of("groups", "delete:groups", "list:groups")),
            Map.entry("groups", List.of("read:groups", "list:groups")),
            Map.entry("read:groups", List.of("read:groups:name")),
            Map.entry("read:roles", List.of("read:roles:users", "read:roles:groups", "read:roles:services")),
            Map.entry("admin:services", List.of("list:services", "read:services")),
            Map.entry("read:services", List.of("read:services:name")));

    private static final Set<String> LEAVES = Set.of("admin:auth_state", "delete:users", "list:users",
            "read:users:name", "read:users:groups", "read:users:activity", "admin:server_state", "start:servers",
            "delete:servers", "read:tokens", "delete:groups", "list:groups", "read:groups:name", "read:roles:users",
            "read:roles:groups", "read:roles:services", "list:services", "read:services:name", "access:servers",
            "access:services", "read:hub", "proxy", "shutdown", "read:metrics", "admin-ui");

    /** The admin role. */
    public static final List<String> ADMIN_ROLE = List.of("admin-ui", "admin:users", "admin:servers", "tokens",
            "admin:groups", "read:roles", "read:hub", "proxy", "shutdown", "access:servers", "access:services",
            "read:metrics", "admin:services");

    /** What {@code self} means for a user: their own model, servers, tokens and activity. */
    private static final List<String> SELF = List.of("read:users", "users:activity", "servers", "access:servers",
            "tokens", "read:users:groups");

    private Scopes() {
    }

    public static boolean isKnown(String scope) {
        String base = base(scope);
        return base.equals("self") || base.equals("inherit") || IMPLIES.containsKey(base) || LEAVES.contains(base);
    }

    /** Everything a user may do: the admin role, or {@code self} plus their own user's name. */
    public static Set<String> ofUser(String user, boolean admin) {
        Set<String> scopes = expand(admin ? ADMIN_ROLE : List.of(), user);
        scopes.addAll(expand(List.of("self"), user));
        return scopes;
    }

    /**
     * Expands scopes for a token of {@code owner}: metascopes resolved, implied scopes added.
     * Unknown names are the caller's error.
     */
    public static Set<String> expand(Collection<String> scopes, String owner) {
        Set<String> out = new TreeSet<>();
        for (String scope : scopes) {
            if (!isKnown(scope)) {
                throw ApiException.badRequest("unknown scope '" + scope.replaceAll("[^\\x20-\\x7e]", "?") + "'");
            }
            String base = base(scope);
            if (base.equals("self")) {
                for (String s : SELF) {
                    addWithImplied(out, s, "!user=" + owner);
                }
            } else if (!base.equals("inherit")) {
                addWithImplied(out, base, filterPart(scope));
            }
        }
        return out;
    }

    /** The scopes of a token: what it was given, limited to what its owner may do now. */
    public static Set<String> forToken(Collection<String> tokenScopes, String owner, boolean ownerAdmin) {
        Set<String> ownerScopes = ofUser(owner, ownerAdmin);
        if (tokenScopes.contains("inherit")) {
            return ownerScopes;
        }
        return intersect(expand(tokenScopes, owner), ownerScopes);
    }

    /** Scopes in {@code a} that {@code b} also grants, narrowing filters where one side has one. */
    public static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>();
        for (String scope : a) {
            String base = base(scope);
            if (b.contains(base) || b.contains(scope)) {
                out.add(scope);
            } else if (scope.equals(base)) {
                for (String granted : b) {
                    if (base(granted).equals(base)) {
                        out.add(granted);
                    }
                }
            }
        }
        return out;
    }

    /** Whether {@code held} grants {@code scope} on resources of {@code user} (who is in {@code groups}). */
    public static boolean grants(Set<String> held, String scope, String user, Collection<String> groups) {
        if (held.contains(scope)) {
            return true;
        }
        if (user != null && held.contains(scope + "!user=" + user)) {
            return true;
        }
        for (String group : groups) {
            if (held.contains(scope + "!group=" + group)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code held} has any form of {@code scope}, filtered or not (for list endpoints). */
    public static boolean hasAny(Set<String> held, String scope) {
        return held.stream().anyMatch(s -> base(s).equals(scope));
    }

    private static void addWithImplied(Set<String> out, String base, String filter) {
        Set<String> todo = new LinkedHashSet<>(List.of(base));
        while (!todo.isEmpty()) {
            String next = todo.iterator().next();
            todo.remove(next);
            if (out.add(next + filter)) {
                todo.addAll(IMPLIES.getOrDefault(next, List.of()));
            }
        }
    }

    static String base(String scope) {
        int bang = scope.indexOf('!');
        return bang < 0 ? scope : scope.substring(0, bang);
    }

    private static String filterPart(String scope) {
        int bang = scope.indexOf('!');
        if (bang < 0) {
            return "";
        }
        String filter = scope.substring(bang);
        if (!filter.matches("!(user|group|server)=[a-z0-9._/-]{1,100}")) {
            throw ApiException.badRequest("unsupported scope filter in '" + scope.replaceAll("[^\\x20-\\x7e]", "?")
                    + "': use !user=NAME or !group=NAME");
        }
        return filter;
    }
}
