package io.meridian.platform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The one HTTP client of the platform API: the user's token on every call, hub errors as {@link PlatformException}. */
final class HubClient {
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** @param base the hub's root URL, e.g. http://127.0.0.1:8000 */
    HubClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    URI base() {
        return base;
    }

    String token() {
        return token;
    }

    <T> T get(String path, Class<T> type) {
        return decode(send(builder(path).GET().build()), JSON.constructType(type));
    }

    <T> T get(String path, JavaType type) {
        return decode(send(builder(path).GET().build()), type);
    }

    JsonNode send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder b = builder(path).method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        byte[] answer = send(b.build());
        try {
            return answer.length == 0 ? JSON.nullNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw new PlatformException(502, "the hub sent an answer that is not JSON");
        }
    }

    /** A streamed GET; the caller closes the stream. */
    InputStream stream(String path) {
        HttpResponse<InputStream> response = call(builder(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            try (InputStream body = response.body()) {
                throw failure(response.statusCode(), body.readAllBytes());
            } catch (IOException e) {
                throw new PlatformException(response.statusCode(), "the hub answered HTTP " + response.statusCode());
            }
        }
        return response.body();
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "token " + token);
    }

    private byte[] send(HttpRequest request) {
        HttpResponse<byte[]> response = call(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        return response.body();
    }

    private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new PlatformException(0, "cannot reach the Meridian hub at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException(0, "interrupted while waiting for the Meridian hub");
        }
    }

    private static PlatformException failure(int status, byte[] body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.hasNonNull("message")) {
                return new PlatformException(status, error.get("message").asText());
            }
        } catch (IOException e) {
            // not the hub's JSON error: fall through to the status line
        }
        return new PlatformException(status, "the hub answered HTTP " + status);
    }

    private static <T> T decode(byte[] body, JavaType type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new PlatformException(502, "the hub sent an answer this client cannot read: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
