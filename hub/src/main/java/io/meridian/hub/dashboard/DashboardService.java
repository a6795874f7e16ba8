package io.meridian.hub.dashboard;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.web.SecurityHeaders;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The browser dashboard at {@code /hub/dashboard/}: static HTML, CSS and JS modules from
 * {@code resources/dashboard}, which talk to the hub's REST APIs. The page itself carries the
 * session's XSRF token in a meta tag, the one value the static files cannot know.
 */
public final class DashboardService implements HttpService {
    private static final Pattern FILE = Pattern.compile("[a-z][a-z0-9-]{0,40}\\.(js|css)");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private final Authenticator auth;

    public DashboardService(Authenticator auth) {
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::index)
                .get("/{file}", this::file);
    }

    private void index(ServerRequest req, ServerResponse res) {
        if (!req.prologue().uriPath().path().endsWith("/")) {
            redirect(res, "/hub/dashboard/");
            return;
        }
        Optional<SessionStore.Session> session = auth.session(req.headers());
        if (session.isEmpty()) {
            redirect(res, "/hub/login?next=/hub/dashboard/");
            return;
        }
        // Escaped although tokens are hex today: the page must not depend on what a token looks like.
        String html = new String(resource("index.html"), StandardCharsets.UTF_8)
                .replace("{{xsrf}}", escape(session.get().xsrf()));
        SecurityHeaders.apply(res);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.send(html);
    }

    private void file(ServerRequest req, ServerResponse res) {
        String file = req.path().pathParameters().get("file");
        if (!FILE.matcher(file).matches() || DashboardService.class.getResource("/dashboard/" + file) == null) {
            res.next();
            return;
        }
        SecurityHeaders.apply(res);
        res.header("Content-Type", TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
        res.send(resource(file));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardService.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the hub jar lacks dashboard/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void redirect(ServerResponse res, String location) {
        SecurityHeaders.apply(res);
        res.status(302);
        res.header("Location", location);
        res.send();
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
