package io.meridian.hub.proxy;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Which headers cross the proxy, in each direction. The caller's credentials for the hub (its Authorization
 * header, the hub's cookies) never reach a server, and a server can never set a hub cookie.
 */
final class ForwardedHeaders {

    /** Hop-by-hop headers (RFC 9110 7.6.1) and the ones the upstream client computes itself. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
            "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect", "authorization", "cookie",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept",
            "sec-websocket-protocol", "origin", "http2-settings");

    /** Response headers the hub's own server sets, or that must not travel back. */
    private static final Set<String> NOT_RETURNED = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "content-length", "date", "server");

    private final String hubCookiePrefix;

    ForwardedHeaders(String hubCookiePrefix) {
        this.hubCookiePrefix = hubCookiePrefix;
    }

    /**
     * Calls {@code sink} with every header to send upstream: the caller's end-to-end headers, its non-hub
     * cookies, the server token and X-Forwarded-*.
     */
    void upstream(Headers incoming, String serverToken, String clientAddress, boolean secure,
                  BiConsumer<String, String> sink) {
        // headers named in Connection are hop-by-hop too
        Set<String> connectionTokens = new HashSet<>();
        for (String token : incoming.first(HeaderNames.CONNECTION).orElse("").split(",")) {
            connectionTokens.add(token.strip().toLowerCase(Locale.ROOT));
        }
        for (Header header : incoming) {
            String lower = header.name().toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(lower) || connectionTokens.contains(lower)) {
                continue;
            }
            for (String value : header.allValues()) {
                sink.accept(header.name(), value);
            }
        }
        String cookies = serverCookies(incoming);
        if (!cookies.isEmpty()) {
            sink.accept("Cookie", cookies);
        }
        sink.accept("Authorization", "token " + serverToken);
        String forwardedFor = incoming.first(HeaderNames.X_FORWARDED_FOR).map(v -> v + ", ").orElse("") + clientAddress;
        sink.accept("X-Forwarded-For", forwardedFor);
        sink.accept("X-Forwarded-Proto", incoming.first(HeaderNames.X_FORWARDED_PROTO).orElse(secure ? "https" : "http"));
        incoming.first(HeaderNames.X_FORWARDED_HOST).or(() -> incoming.first(HeaderNames.HOST))
                .ifPresent(host -> sink.accept("X-Forwarded-Host", host));
    }

    /** The Cookie header without the hub's cookies; "" when nothing is left. */
    String serverCookies(Headers incoming) {
        List<String> kept = new ArrayList<>();
        for (String header : incoming.values(HeaderNames.COOKIE)) {
            for (String pair : header.split(";")) {
                String cookie = pair.strip();
                if (!cookie.isEmpty() && !cookie.startsWith(hubCookiePrefix)) {
                    kept.add(cookie);
                }
            }
        }
        return String.join("; ", kept);
    }

    /**
     * Whether a WebSocket handshake comes from a page of the hub itself. The proxy authenticates upstream with
     * the server token, which turns off Jupyter's own origin check, so the check happens here: a page on another
     * site must not open a kernel channel with the user's hub cookie. No Origin (non-browser clients) passes.
     */
    static boolean sameOrigin(Headers incoming) {
        var origin = incoming.first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return true;
        }
        var host = incoming.first(HeaderNames.X_FORWARDED_HOST).or(() -> incoming.first(HeaderNames.HOST));
        if (host.isEmpty()) {
            return false;
        }
        try {
            URI uri = URI.create(origin.get().strip());
            if (uri.getHost() == null) {
                return false;
            }
            URI hostUri = URI.create(uri.getScheme() + "://" + host.get().strip().split(",")[0].strip());
            return uri.getHost().equalsIgnoreCase(hostUri.getHost()) && port(uri) == port(hostUri);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Whether a response header from a server may go back to the caller. */
    boolean returned(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (NOT_RETURNED.contains(lower)) {
            return false;
        }
        return !(lower.equals("set-cookie") && value.strip().startsWith(hubCookiePrefix));
    }
}
