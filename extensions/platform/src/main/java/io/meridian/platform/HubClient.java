package io.meridian.platform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
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

    /** Transfer copies: each write reaches the socket as one system call. */
    private static final int COPY_BUFFER = 256 * 1024;
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

    /** A streamed GET; the caller closes the stream. The JDK client fails a read of a body cut short. */
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

    /** A download's body and its announced length (-1: unknown). */
    record Download(InputStream body, long length) {
    }

    /**
     * A streamed GET on a blocking connection, for downloads to disk: the JDK client's {@code ofInputStream}
     * hands every 16 KiB from its selector thread to the reader, which cost a large download more than half
     * its rate. The JDK 17 connection ends a body cut short quietly, so the caller compares the bytes it got
     * with the length.
     */
    Download download(String path) {
        HttpURLConnection connection = open(path);
        int status;
        try {
            status = connection.getResponseCode();
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (status / 100 != 2) {
            throw failure(status, errorBody(connection));
        }
        try {
            return new Download(connection.getInputStream(), connection.getContentLengthLong());
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * PUTs {@code length} bytes of {@code content} (-1: unknown, sent chunked) and returns the hub's JSON
     * answer. An answer the hub gives before the body is through (a quota refusal) is reported as itself.
     */
    JsonNode upload(String path, InputStream content, long length, TransferProgress progress) {
        HttpURLConnection connection = open(path);
        try {
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/octet-stream");
            if (length >= 0) {
                connection.setFixedLengthStreamingMode(length);
            } else {
                connection.setChunkedStreamingMode(COPY_BUFFER);
            }
            try (OutputStream out = connection.getOutputStream()) {
                byte[] buffer = new byte[COPY_BUFFER];
                int n;
                while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
                    out.write(buffer, 0, n);
                    progress.add(n);
                }
            }
        } catch (IOException e) {
            // the hub's early answer is read before the connection is dropped: afterwards there is none to read
            int early = answeredStatus(connection);
            PlatformException failure = early >= 400 ? failure(early, errorBody(connection))
                    : new PlatformException(0, "the upload to " + base + " broke off: " + describe(e));
            connection.disconnect();
            throw failure;
        }
        int status;
        byte[] answer;
        try {
            status = connection.getResponseCode();
            answer = status / 100 == 2 ? readAll(connection.getInputStream()) : errorBody(connection);
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (status / 100 != 2) {
            throw failure(status, answer);
        }
        try {
            return answer.length == 0 ? JSON.nullNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw new PlatformException(502, "the hub sent an answer that is not JSON");
        }
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
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException(0, "interrupted while waiting for the Meridian hub");
        }
    }

    private HttpURLConnection open(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(10_000);
            // no read timeout: the hub may wait on a slow storage server for a long while, as the JDK client does
            connection.setRequestProperty("Authorization", "token " + token);
            return connection;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private PlatformException unreachable(IOException e) {
        return new PlatformException(0, "cannot reach the Meridian hub at " + base + " (" + describe(e) + ")");
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The status the hub answered with, or -1 when it gave none. */
    private static int answeredStatus(HttpURLConnection connection) {
        try {
            return connection.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static byte[] errorBody(HttpURLConnection connection) {
        try (InputStream error = connection.getErrorStream()) {
            return error == null ? new byte[0] : error.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
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
