package io.meridian.hub.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardedHeadersTest {
    private final ForwardedHeaders forwarded = new ForwardedHeaders("meridian-");

    @Test
    void webSocketOriginMustBeTheHubItself() {
        assertTrue(ForwardedHeaders.sameOrigin(headers("hub.example.org", "https://hub.example.org")));
        assertTrue(ForwardedHeaders.sameOrigin(headers("hub.example.org:443", "https://hub.example.org")));
        assertTrue(ForwardedHeaders.sameOrigin(headers("127.0.0.1:8000", "http://127.0.0.1:8000")));
        assertTrue(ForwardedHeaders.sameOrigin(headers("hub.example.org", null)), "non-browser clients send no Origin");
        assertFalse(ForwardedHeaders.sameOrigin(headers("hub.example.org", "https://evil.example")));
        assertFalse(ForwardedHeaders.sameOrigin(headers("127.0.0.1:8000", "http://127.0.0.1:9000")));
        assertFalse(ForwardedHeaders.sameOrigin(headers("hub.example.org", "null")));
    }

    @Test
    void hubCookiesAreDroppedAndOthersKept() {
        WritableHeaders<?> incoming = WritableHeaders.create();
        incoming.add(HeaderNames.COOKIE, "meridian-session=s; _xsrf=x; username-127-0-0-1-8888=u; meridian-oauth=o");

        assertEquals("_xsrf=x; username-127-0-0-1-8888=u", forwarded.serverCookies(incoming));
        assertFalse(forwarded.returned("Set-Cookie", "meridian-session=evil; Path=/"));
        assertTrue(forwarded.returned("Set-Cookie", "_xsrf=abc; Path=/user/a/"));
        assertFalse(forwarded.returned("Transfer-Encoding", "chunked"));
    }

    private static WritableHeaders<?> headers(String host, String origin) {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.HOST, host);
        if (origin != null) {
            headers.add(HeaderNames.ORIGIN, origin);
        }
        return headers;
    }
}
