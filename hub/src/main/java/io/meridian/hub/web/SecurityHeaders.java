package io.meridian.hub.web;

import io.helidon.webserver.http.ServerResponse;

/** Headers every hub page carries: no framing, no sniffing, scripts and styles only from the hub itself. */
public final class SecurityHeaders {
    private SecurityHeaders() {
    }

    public static void apply(ServerResponse response) {
        response.header("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        response.header("X-Frame-Options", "DENY");
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "same-origin");
        response.header("Cache-Control", "no-store");
    }
}
