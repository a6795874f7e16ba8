package io.meridian.hub.pages;

import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.web.SecurityHeaders;

import java.util.Map;
import java.util.stream.Collectors;

/** The pages' layout and escaping. Every value put into HTML goes through {@link #esc}. */
public final class Html {
    private Html() {
    }

    /** Escapes text for HTML content and attribute values; null becomes empty. */
    public static String esc(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    /** A whole page; {@code meta} values are read by hub.js. */
    static void send(ServerResponse res, int status, String title, String user, Map<String, String> meta, String body) {
        String metas = meta.entrySet().stream()
                .map(e -> "<meta name=\"" + esc(e.getKey()) + "\" content=\"" + esc(e.getValue()) + "\">")
                .collect(Collectors.joining("\n"));
        String nav = user == null ? "" : "<nav><span>" + esc(user) + "</span><a href=\"/hub/home\">Home</a><a href=\"/hub/dashboard/\">Dashboard</a>"
                + "<a href=\"/hub/token\">Tokens</a><a href=\"/hub/logout\">Log out</a></nav>";
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" + metas
                + "\n<title>" + esc(title) + " - Meridian</title><link rel=\"stylesheet\" href=\"/hub/static/hub.css\">"
                + "</head><body><header><h1>Meridian</h1>" + nav + "</header>"
                + "<p id=\"error\" hidden></p>\n" + body
                + "\n<script src=\"/hub/static/hub.js\"></script></body></html>\n";
        SecurityHeaders.apply(res);
        res.status(status);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.send(html);
    }

    static void redirect(ServerResponse res, String location) {
        SecurityHeaders.apply(res);
        res.status(302);
        res.header("Location", location);
        res.send();
    }
}
