package io.meridian.hub.dashboard;

import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's files over plain HTTP: login first, only its own files, the hub's security headers. */
class DashboardServiceTest {
    private static TestHub hub;

    @BeforeAll
    static void startHub() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @Test
    void pageNeedsALoginAndRedirectsThere() {
        Response page = hub.get("/hub/dashboard/", null);
        assertEquals(302, page.status());
        assertEquals("/hub/login?next=/hub/dashboard/", page.header("Location").orElseThrow());
        assertEquals("/hub/dashboard/", hub.get("/hub/dashboard", null).header("Location").orElseThrow());
    }

    @Test
    void scriptsAreServedWithTypeAndSecurityHeaders() {
        Response script = hub.get("/hub/dashboard/app.js", null);
        assertEquals(200, script.status());
        assertTrue(script.header("Content-Type").orElseThrow().startsWith("text/javascript"));
        assertEquals("nosniff", script.header("X-Content-Type-Options").orElseThrow());
        String csp = script.header("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertEquals(200, hub.get("/hub/dashboard/app.css", null).status());
    }

    @Test
    void onlyTheDashboardsOwnFilesAreServed() {
        assertEquals(404, hub.get("/hub/dashboard/missing.js", null).status());
        assertEquals(404, hub.get("/hub/dashboard/index.html", null).status());
        assertEquals(404, hub.get("/hub/dashboard/..%2Fstatic%2Fhub.js", null).status());
        assertEquals(404, hub.get("/hub/dashboard/App.JS", null).status());
    }
}
