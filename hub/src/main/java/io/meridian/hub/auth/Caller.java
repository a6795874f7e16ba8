package io.meridian.hub.auth;

import io.meridian.hub.users.User;
import io.meridian.hub.web.ApiException;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Who is making a request and what they may do: the owner of the token or session and its
 * expanded scopes.
 *
 * @param tokenId  the API token id ("a12"), null for a browser session
 * @param groupsOf a user's group names, for {@code !group=} filters
 */
public record Caller(User user, Set<String> scopes, String tokenId, Function<String, List<String>> groupsOf) {

    public boolean can(String scope, String targetUser) {
        if (Scopes.grants(scopes, scope, targetUser, List.of())) {
            return true;
        }
        boolean groupFiltered = scopes.stream().anyMatch(s -> s.startsWith(scope + "!group="));
        return groupFiltered && Scopes.grants(scopes, scope, targetUser, groupsOf.apply(targetUser));
    }

    /**
     * Requires {@code scope} on {@code targetUser}'s resources. Callers who may not even read the
     * user get 404, as JupyterHub does, so that user names do not leak; others get 403.
     */
    public void require(String scope, String targetUser) {
        if (can(scope, targetUser)) {
            return;
        }
        if (targetUser != null && !can("read:users:name", targetUser)) {
            throw ApiException.notFound("no such user: " + targetUser);
        }
        throw ApiException.forbidden("action requires the scope " + scope + (targetUser == null ? "" : " on user " + targetUser));
    }

    public void requireUnfiltered(String scope) {
        if (!scopes.contains(scope)) {
            throw ApiException.forbidden("action requires the scope " + scope);
        }
    }

    public String name() {
        return user.name();
    }
}
