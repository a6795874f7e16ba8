package io.meridian.hub.proxy;

import org.junit.jupiter.api.Test;

import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyPathTest {
    private static final BiPredicate<String, String> ALICE_HAS_GPU = (user, name) -> user.equals("alice") && name.equals("gpu");

    @Test
    void segmentAfterTheUserIsANamedServerOnlyIfTheUserHasOne() {
        ProxyPath named = ProxyPath.parse("/user/alice/gpu/api/status", ALICE_HAS_GPU).orElseThrow();
        ProxyPath folder = ProxyPath.parse("/user/alice/tree/gpu", ALICE_HAS_GPU).orElseThrow();
        ProxyPath otherUser = ProxyPath.parse("/user/bob/gpu/api", ALICE_HAS_GPU).orElseThrow();

        assertEquals("gpu", named.server());
        assertEquals("/user/alice/gpu/", named.baseUrl());
        assertEquals("", folder.server());
        assertEquals("/user/alice/", folder.baseUrl());
        assertEquals("", otherUser.server());
    }

    @Test
    void baseUrlWithoutItsSlashIsRecognised() {
        assertTrue(ProxyPath.parse("/user/alice", ALICE_HAS_GPU).orElseThrow().missingTrailingSlash());
        assertTrue(ProxyPath.parse("/user/alice/gpu", ALICE_HAS_GPU).orElseThrow().missingTrailingSlash());
        assertFalse(ProxyPath.parse("/user/alice/", ALICE_HAS_GPU).orElseThrow().missingTrailingSlash());
        assertFalse(ProxyPath.parse("/user/alice/gpu/", ALICE_HAS_GPU).orElseThrow().missingTrailingSlash());
    }

    @Test
    void pathsWithoutAUserAreNotServerPaths() {
        assertTrue(ProxyPath.parse("/user/", ALICE_HAS_GPU).isEmpty());
        assertTrue(ProxyPath.parse("/user//x", ALICE_HAS_GPU).isEmpty());
        assertTrue(ProxyPath.parse("/hub/home", ALICE_HAS_GPU).isEmpty());
    }
}
