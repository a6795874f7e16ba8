package io.meridian.hub;

import io.meridian.hub.TestHub.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local accounts in the browser: login form, session cookie, XSRF protection, rate limiting, logout, page headers. */
class LoginTest {
    private static TestHub hub;

    @BeforeAll
    static void startHub() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    /** The login form's XSRF value and cookie. */
    record Form(String xsrf, String cookie) {
    }

    static Form loginForm(TestHub hub) {
        Response page = hub.get("/hub/login", null);
        assertEquals(200, page.status());
        String cookie = cookie(page, "_xsrf");
        Matcher m = Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"").matcher(page.body());
        assertTrue(m.find(), page.body());
        return new Form(m.group(1), "_xsrf=" + cookie);
    }

    /** Logs in and returns the session cookie ("meridian-session=..."). */
    static String logIn(TestHub hub, String user, String password) {
        Response r = postLogin(hub, loginForm(hub), user, password, "/hub/home");
        assertEquals(302, r.status(), r.body());
        return "meridian-session=" + cookie(r, "meridian-session");
    }

    static Response postLogin(TestHub hub, Form form, String user, String password, String next) {
        String body = "_xsrf=" + form.xsrf() + "&username=" + enc(user) + "&password=" + enc(password) + "&next=" + enc(next);
        return hub.call("POST", "/hub/login", null, body, "Content-Type", "application/x-www-form-urlencoded",
                "Cookie", form.cookie());
    }

    @Test
    void loginSetsAnHttpOnlySameSiteSessionCookieAndRedirects() {
        Response r = postLogin(hub, loginForm(hub), "admin", TestHub.ADMIN_PASSWORD, "/hub/token");
        assertEquals(302, r.status(), r.body());
        assertEquals("/hub/token", r.header("Location").orElseThrow());
        String setCookie = r.raw().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("meridian-session=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http by default: " + setCookie);

        String session = "meridian-session=" + cookie(r, "meridian-session");
        Response me = hub.call("GET", "/hub/api/user", null, null, "Cookie", session);
        assertEquals(200, me.status());
        assertEquals("admin", me.json().get("name").asText());
    }

    @Test
    void loginRedirectsOnlyToLocalPaths() {
        Response r = postLogin(hub, loginForm(hub), "admin", TestHub.ADMIN_PASSWORD, "https://evil.example/");
        assertEquals("/hub/home", r.header("Location").orElseThrow());
        Response r2 = postLogin(hub, loginForm(hub), "admin", TestHub.ADMIN_PASSWORD, "//evil.example/");
        assertEquals("/hub/home", r2.header("Location").orElseThrow());
    }

    @Test
    void loginFormWithoutItsXsrfCookieIsRefused() {
        Form form = loginForm(hub);
        Response r = postLogin(hub, new Form(form.xsrf(), "_xsrf=" + "0".repeat(64)), "admin", TestHub.ADMIN_PASSWORD, "/hub/home");
        assertEquals(403, r.status());
        assertTrue(r.raw().headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("meridian-session=")));
    }

    @Test
    void cookieAuthenticatedStateChangesNeedTheXsrfToken() {
        String session = logIn(hub, "admin", TestHub.ADMIN_PASSWORD);
        Response home = hub.call("GET", "/hub/home", null, null, "Cookie", session);
        assertEquals(200, home.status());
        Matcher m = Pattern.compile("name=\"xsrf\" content=\"([0-9a-f]+)\"").matcher(home.body());
        assertTrue(m.find(), home.body());

        Response without = hub.call("POST", "/hub/api/users/admin/tokens", null, "{}", "Cookie", session);
        assertEquals(403, without.status());
        assertTrue(without.json().get("message").asText().contains("xsrf"));
        Response wrong = hub.call("POST", "/hub/api/users/admin/tokens", null, "{}", "Cookie", session, "X-XSRFToken", "f".repeat(64));
        assertEquals(403, wrong.status());
        Response with = hub.call("POST", "/hub/api/users/admin/tokens", null, "{}", "Cookie", session, "X-XSRFToken", m.group(1));
        assertEquals(201, with.status(), with.body());
    }

    @Test
    void repeatedFailuresAreRateLimitedPerUserAndAddress() {
        hub.admin("POST", "/hub/api/users/ratelimited", null);
        for (int i = 0; i < 3; i++) {
            assertEquals(403, postLogin(hub, loginForm(hub), "ratelimited", "wrong" + i, "/hub/home").status());
        }
        Response limited = postLogin(hub, loginForm(hub), "ratelimited", "wrong", "/hub/home");
        assertEquals(429, limited.status());
        assertTrue(Long.parseLong(limited.header("Retry-After").orElseThrow()) > 0);
        assertTrue(limited.body().contains("Too many failed logins"));
        // Another account from the same address is not affected.
        assertEquals(302, postLogin(hub, loginForm(hub), "admin", TestHub.ADMIN_PASSWORD, "/hub/home").status());
    }

    @Test
    void logoutEndsTheSession() {
        String session = logIn(hub, "admin", TestHub.ADMIN_PASSWORD);
        assertEquals(200, hub.call("GET", "/hub/api/user", null, null, "Cookie", session).status());
        Response out = hub.call("GET", "/hub/logout", null, null, "Cookie", session);
        assertEquals(302, out.status());
        assertEquals(401, hub.call("GET", "/hub/api/user", null, null, "Cookie", session).status());
        assertEquals(302, hub.call("GET", "/hub/home", null, null, "Cookie", session).status());
    }

    @Test
    void pagesCarrySecurityHeadersAndEscapeInput() {
        String session = logIn(hub, "admin", TestHub.ADMIN_PASSWORD);
        for (String path : List.of("/hub/login", "/hub/home", "/hub/token", "/hub/spawn-pending/admin", "/hub/spawn/admin/gpu")) {
            Response page = path.equals("/hub/login") ? hub.get(path, null) : hub.call("GET", path, null, null, "Cookie", session);
            assertEquals(200, page.status(), path);
            assertTrue(page.header("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), path);
            assertEquals("DENY", page.header("X-Frame-Options").orElse(""), path);
            assertEquals("nosniff", page.header("X-Content-Type-Options").orElse(""), path);
            assertFalse(page.body().contains("http://") && page.body().contains("<script src=\"http"), "no CDN: " + path);
        }
        Response xss = hub.get("/hub/login?next=" + enc("/x\"><script>alert(1)</script>"), null);
        assertFalse(xss.body().contains("<script>alert(1)"), xss.body());
        Response js = hub.get("/hub/static/hub.js", null);
        assertEquals(200, js.status());
        assertTrue(js.header("Content-Type").orElse("").startsWith("text/javascript"));
    }

    @Test
    void secureCookiesBehindAnHttpsProxy() {
        Form form = loginForm(hub);
        String body = "_xsrf=" + form.xsrf() + "&username=admin&password=" + enc(TestHub.ADMIN_PASSWORD) + "&next=%2Fhub%2Fhome";
        Response r = hub.call("POST", "/hub/login", null, body, "Content-Type", "application/x-www-form-urlencoded",
                "Cookie", form.cookie(), "X-Forwarded-Proto", "https");
        assertEquals(302, r.status());
        assertTrue(r.raw().headers().allValues("Set-Cookie").stream()
                .anyMatch(c -> c.startsWith("meridian-session=") && c.endsWith("; Secure")), r.raw().headers().toString());
    }

    @Test
    void secureCookiesWhenConfigured() {
        try (TestHub secure = TestHub.start(TestHub.tempDir(), Map.of("MERIDIAN_COOKIE_SECURE", "true"))) {
            Response r = postLogin(secure, loginForm(secure), "admin", TestHub.ADMIN_PASSWORD, "/hub/home");
            assertTrue(r.raw().headers().allValues("Set-Cookie").stream()
                    .anyMatch(c -> c.startsWith("meridian-session=") && c.contains("; Secure")));
        }
    }

    static String cookie(Response r, String name) {
        return r.raw().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.raw().headers()));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
