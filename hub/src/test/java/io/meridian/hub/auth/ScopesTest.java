package io.meridian.hub.auth;

import io.meridian.hub.web.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JupyterHub's scope rules: expansion, metascopes, filters and the owner bound on tokens. */
class ScopesTest {

    @Test
    void scopesExpandToWhatTheyImply() {
        Set<String> scopes = Scopes.expand(List.of("admin:users"), "ann");
        assertTrue(scopes.containsAll(List.of("admin:users", "users", "read:users", "read:users:name", "list:users",
                "delete:users", "users:activity", "read:users:activity")));
        assertFalse(scopes.contains("servers"));
    }

    @Test
    void selfIsTheUsersOwnResources() {
        Set<String> self = Scopes.expand(List.of("self"), "ann");
        assertTrue(self.contains("servers!user=ann"));
        assertTrue(self.contains("start:servers!user=ann"));
        assertTrue(self.contains("access:servers!user=ann"));
        assertTrue(self.contains("tokens!user=ann"));
        assertTrue(self.stream().allMatch(s -> s.endsWith("!user=ann")), self.toString());
    }

    @Test
    void aTokenNeverExceedsItsOwner() {
        Set<String> token = Scopes.forToken(List.of("admin:users"), "ann", false);
        assertFalse(Scopes.grants(token, "admin:users", "bob", List.of()));
        Set<String> narrowed = Scopes.forToken(List.of("servers"), "ann", false);
        assertTrue(Scopes.grants(narrowed, "servers", "ann", List.of()));
        assertFalse(Scopes.grants(narrowed, "servers", "bob", List.of()));
        assertEquals(Scopes.ofUser("ann", true), Scopes.forToken(List.of("inherit"), "ann", true));
    }

    @Test
    void groupFiltersMatchMembers() {
        Set<String> scopes = Scopes.expand(List.of("read:users!group=physics"), "ann");
        assertTrue(Scopes.grants(scopes, "read:users", "bob", List.of("physics")));
        assertFalse(Scopes.grants(scopes, "read:users", "bob", List.of("chemistry")));
    }

    @Test
    void unknownScopesAndFiltersAreRejected() {
        assertThrows(ApiException.class, () -> Scopes.expand(List.of("root"), "ann"));
        assertThrows(ApiException.class, () -> Scopes.expand(List.of("servers!user=<x>"), "ann"));
        assertThrows(ApiException.class, () -> Scopes.expand(List.of("servers!owner=ann"), "ann"));
    }
}
