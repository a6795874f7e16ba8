package io.meridian.hub.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers the proxy gives itself instead of forwarding: JSON {@code {"status", "message"}} for API clients,
 * a small page for browsers. Never a stack trace.
 */
final class ProxyReplies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxySettings settings;

    ProxyReplies(ProxySettings settings) {
        this.settings = settings;
    }

    /** A browser asks for a page; anything under a server's {@code api/} or not accepting HTML is an API client. */
    static boolean isBrowser(ServerRequest request, ProxyPath path) {
        if (path.rawPath().startsWith(path.baseUrl() + "api/")) {
            return false;
        }
        return request.headers().first(HeaderNames.ACCEPT).map(accept -> accept.contains("text/html")).orElse(false);
    }

    void loginRequired(ServerRequest request, ServerResponse response) {
        String next = request.prologue().uriPath().rawPath()
                + (request.prologue().hasQuery() ? "?" + request.prologue().query().rawValue() : "");
        response.status(Status.FOUND_302)
                .header(HeaderNames.LOCATION, settings.loginPath() + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8))
                .send();
    }

    void unauthorized(ServerResponse response, String message) {
        json(response, Status.UNAUTHORIZED_401, message, Map.of());
    }

    void forbidden(ServerResponse response, boolean browser, String message) {
        if (browser) {
            page(response, Status.FORBIDDEN_403, "Forbidden", "<p>" + html(message) + "</p>");
        } else {
            json(response, Status.FORBIDDEN_403, message, Map.of());
        }
    }

    void notRunning(ServerResponse response, boolean browser, ProxyPath path) {
        String label = path.server().isEmpty() ? "Your server" : "Server '" + path.server() + "'";
        String spawn = settings.spawnPathPrefix() + path.user() + (path.server().isEmpty() ? "" : "/" + path.server());
        if (browser) {
            page(response, Status.SERVICE_UNAVAILABLE_503, "Server not running",
                    "<p>" + html(label) + " of " + html(path.user()) + " is not running.</p>"
                            + "<p><a href=\"" + html(spawn) + "\">Start it</a> or go to <a href=\"/hub/home\">the hub home</a>.</p>");
        } else {
            json(response, Status.SERVICE_UNAVAILABLE_503,
                    label + " of " + path.user() + " is not running; start it with POST /hub/api/users/"
                            + path.user() + "/server" + (path.server().isEmpty() ? "" : "s/" + path.server()),
                    Map.of("spawn_url", spawn));
        }
    }

    void notResponding(ServerResponse response, boolean browser, ProxyPath path) {
        String message = "The server " + path.baseUrl() + " is not responding. It may still be starting or may have "
                + "stopped; try again in a moment or restart it from the hub home.";
        if (browser) {
            page(response, Status.SERVICE_UNAVAILABLE_503, "Server is not responding",
                    "<p>" + html(message) + "</p><p><a href=\"/hub/home\">Hub home</a></p>");
        } else {
            json(response, Status.SERVICE_UNAVAILABLE_503, message, Map.of());
        }
    }

    void badGateway(ServerResponse response, ProxyPath path, String what) {
        json(response, Status.BAD_GATEWAY_502, "The server " + path.baseUrl() + " failed: " + what, Map.of());
    }

    void json(ServerResponse response, Status status, String message, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.code());
        body.put("message", message);
        body.putAll(extra);
        try {
            response.status(status).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON error body", e);
        }
    }

    private static void page(ServerResponse response, Status status, String title, String bodyHtml) {
        response.status(status).header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
        response.send("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + html(title)
                + "</title></head><body><h1>" + html(title) + "</h1>" + bodyHtml + "</body></html>");
    }

    static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
