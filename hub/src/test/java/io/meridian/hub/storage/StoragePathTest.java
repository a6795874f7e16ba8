package io.meridian.hub.storage;

import io.meridian.hub.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StoragePathTest {
    @Test
    void pathsAreRelativeToTheUsersRootAndNormalised() {
        assertEquals("/", StoragePath.parse(null).toString());
        assertEquals("/", StoragePath.parse("/").toString());
        assertEquals("/a/b", StoragePath.parse("a//b/").toString());
        assertEquals("/a/b", StoragePath.parse("/./a/./b").toString());
        assertEquals("/etc/passwd", StoragePath.parse("/etc/passwd").toString(), "absolute means the user's root");
        assertEquals("/über ordner/100% + x.csv", StoragePath.parse("/über ordner/100% + x.csv").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../bob", "a/../../b", "/a/..", "%2e%2e/bob", "%2E%2e", "a%2fb", "..%2f..",
            "a\\..\\b", "C:\\Windows", "a\u0000b", "line\nbreak"})
    void escapesAreRefused(String raw) {
        ApiException e = assertThrows(ApiException.class, () -> StoragePath.parse(raw));
        assertEquals(400, e.status());
    }
}
