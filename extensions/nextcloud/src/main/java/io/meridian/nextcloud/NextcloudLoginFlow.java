package io.meridian.nextcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Nextcloud Login Flow v2: the user approves access in their browser and Nextcloud hands out an app
 * password, so nobody types a password into Meridian. {@link #start} gives the URL to open; {@link #poll}
 * answers the credentials once the user has approved (Nextcloud gives them out only once).
 */
public final class NextcloudLoginFlow {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private NextcloudLoginFlow() {
    }

    /** A started flow: the page the user opens, and where to poll for the result. */
    public record Started(URI loginUrl, URI pollEndpoint, String pollToken) {
        @Override
        public String toString() {
            return "Started[loginUrl=" + loginUrl + "]";
        }
    }

    /** What Nextcloud grants: its base URL, the login name and a fresh app password. */
    public record Granted(URI server, String loginName, String appPassword) {
        @Override
        public String toString() {
            return "Granted[server=" + server + ", loginName=" + loginName + "]";
        }
    }

    public static Started start(URI server) throws IOException {
        String base = server.toString().replaceAll("/+$", "");
        JsonNode answer = post(URI.create(base + "/index.php/login/v2"), "", "start a Nextcloud login at " + server)
                .orElseThrow(() -> new DavException(404, "no Nextcloud login flow at " + server + ": is it a Nextcloud server?"));
        String login = answer.path("login").asText("");
        String endpoint = answer.path("poll").path("endpoint").asText("");
        String token = answer.path("poll").path("token").asText("");
        if (login.isEmpty() || endpoint.isEmpty() || token.isEmpty()) {
            throw new DavException(502, "the server at " + server + " did not answer like Nextcloud's login flow");
        }
        return new Started(URI.create(login), URI.create(endpoint), token);
    }

    /** The credentials once the user has approved; empty while they have not (yet). */
    public static Optional<Granted> poll(Started flow) throws IOException {
        String form = "token=" + URLEncoder.encode(flow.pollToken(), StandardCharsets.UTF_8);
        return post(flow.pollEndpoint(), form, "poll the Nextcloud login").map(answer -> new Granted(
                URI.create(answer.path("server").asText()), answer.path("loginName").asText(),
                answer.path("appPassword").asText()));
    }

    /** POSTs a form; empty on 404 (Nextcloud's "not yet"), the JSON answer on 200. */
    private static Optional<JsonNode> post(URI url, String form, String action) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Meridian")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + action);
        } catch (IOException e) {
            throw new DavException("cannot " + action + ": " + e.getClass().getSimpleName(), e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new DavException(response.statusCode(), "cannot " + action + ": HTTP " + response.statusCode());
        }
        try {
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new DavException(502, "cannot " + action + ": the answer is not JSON");
        }
    }
}
