package io.meridian.platform;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformTest {
    @Test
    void outsideAMeridianServerEveryCallSaysHowToConnectInOneLine() {
        Platform platform = Platform.fromEnvironment(Map.of());
        assertFalse(platform.connected());
        PlatformException e = assertThrows(PlatformException.class, () -> platform.modules().search("iris"));
        assertTrue(e.getMessage().contains("MERIDIAN_HUB_API_URL") && e.getMessage().contains("MERIDIAN_API_TOKEN"));
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(0, e.getStackTrace().length, "no stack trace: the notebook shows one line");
        assertThrows(PlatformException.class, () -> platform.storage().ls("/"));
        assertThrows(PlatformException.class, platform::me);
    }

    @Test
    void theHubApiUrlOrTheHubRootBothWork() {
        assertEquals("Meridian platform at http://127.0.0.1:8000",
                Platform.connect("http://127.0.0.1:8000/hub/api/", "t").toString());
        assertEquals("Meridian platform at https://hub.example.org",
                Platform.connect("https://hub.example.org", "t").toString());
        assertTrue(Platform.fromEnvironment(Map.of("MERIDIAN_HUB_API_URL", "http://h:1/hub/api",
                "MERIDIAN_API_TOKEN", "abc")).connected());
        assertThrows(PlatformException.class, () -> Platform.connect("ftp://hub.example.org", "t"));
    }

    @Test
    void anUnreachableHubIsOneClearLine() {
        PlatformException e = assertThrows(PlatformException.class,
                () -> Platform.connect("http://127.0.0.1:9/hub/api", "t").modules().list());
        assertEquals(0, e.status());
        assertTrue(e.getMessage().startsWith("cannot reach the Meridian hub at http://127.0.0.1:9"), e.getMessage());
    }
}
