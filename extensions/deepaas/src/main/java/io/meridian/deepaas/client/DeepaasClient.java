package io.meridian.deepaas.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.deepaas.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * A client of the DEEPaaS v2 API (as served by DEEPaaS 2.6 or by Meridian's Java runtime),
 * possibly behind a path prefix such as the hub's {@code /deployments/{id}/}. Every route is
 * called with its trailing '/', and predict sends exactly one Accept type, because the real
 * server answers 308 and 422 otherwise. Every failure is a {@link DeepaasException}.
 */
public final class DeepaasClient {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final TypeReference<Map<String, List<ModelInfo>>> MODEL_LIST = new TypeReference<>() {
    };
    private static final TypeReference<List<Training>> TRAINING_LIST = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, List<String>>> FIELD_ERRORS = new TypeReference<>() {
    };

    private final URI base;
    private final Duration timeout;
    private final String bearerToken;
    private final HttpClient http;

    private DeepaasClient(URI base, Duration timeout, String bearerToken, HttpClient http) {
        this.base = base;
        this.timeout = timeout;
        this.bearerToken = bearerToken;
        this.http = http;
    }

    /** A client of the DEEPaaS API whose root ({@code /}, where {@code v2/} hangs) is {@code base}. */
    public static DeepaasClient connect(URI base) {
        Objects.requireNonNull(base, "base");
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("DEEPaaS base URI must be http or https: " + base);
        }
        String s = base.toString();
        URI root = URI.create(s.endsWith("/") ? s : s + "/");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        return new DeepaasClient(root, DEFAULT_TIMEOUT, null, http);
    }

    /** The same client, with a longer or shorter limit for each request. */
    public DeepaasClient withTimeout(Duration requestTimeout) {
        return new DeepaasClient(base, requestTimeout, bearerToken, http);
    }

    /** The same client, sending {@code Authorization: Bearer <token>} (e.g. through the hub's proxy). */
    public DeepaasClient withBearerToken(String token) {
        return new DeepaasClient(base, timeout, token, http);
    }

    public URI base() {
        return base;
    }

    public Versions versions() {
        return read(call("GET", "", null, null), Versions.class);
    }

    public ApiVersion v2() {
        return read(call("GET", "v2/", null, null), ApiVersion.class);
    }

    public List<ModelInfo> models() {
        Map<String, List<ModelInfo>> body = read(call("GET", "v2/models/", null, null), MODEL_LIST);
        List<ModelInfo> models = body.get("models");
        if (models == null) {
            throw new DeepaasException(200, "GET " + base + "v2/models/ answered without a 'models' list");
        }
        return models;
    }

    public ModelInfo model(String name) {
        return read(call("GET", modelPath(name), null, null), ModelInfo.class);
    }

    public Prediction predict(String model, PredictRequest request) {
        String path = modelPath(model) + "predict/";
        Body body;
        if (!request.files().isEmpty()) {
            if (request.encoding() == PredictRequest.Encoding.QUERY) {
                path += query(request.args());
                body = multipart(Map.of(), request.files());
            } else {
                body = multipart(request.args(), request.files());
            }
        } else {
            switch (request.encoding()) {
                case QUERY:
                    path += query(request.args());
                    body = null;
                    break;
                case FORM:
                    body = new Body("application/x-www-form-urlencoded",
                            query(request.args()).replaceFirst("^\\?", "").getBytes(StandardCharsets.UTF_8));
                    break;
                default:
                    body = json(request.args());
            }
        }
        HttpResponse<byte[]> response = call("POST", path, body, request.accept());
        String type = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
        return new Prediction(type, response.body());
    }

    /** Starts a training with {@code args} sent as a JSON object; the answer says its uuid. */
    public Training startTraining(String model, Map<String, ?> args) {
        return read(call("POST", modelPath(model) + "train/", json(args), null), Training.class);
    }

    public List<Training> trainings(String model) {
        return read(call("GET", modelPath(model) + "train/", null, null), TRAINING_LIST);
    }

    public Training training(String model, String uuid) {
        return read(call("GET", trainingPath(model, uuid), null, null), Training.class);
    }

    /** Polls a training every {@code interval} until it has finished or {@code limit} has passed. */
    public Training awaitTraining(String model, String uuid, Duration limit, Duration interval) {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            Training t = training(model, uuid);
            if (t.finished()) {
                return t;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DeepaasException(DeepaasException.NO_ANSWER, "training " + uuid + " of " + model + " is still " + t.status()
                        + " after " + limit.toSeconds() + " s" + (t.progress() == null ? "" : " (progress "
                        + Math.round(t.progress() * 100) + "%)"));
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeepaasException(DeepaasException.NO_ANSWER, "interrupted while waiting for training " + uuid);
            }
        }
    }

    /**
     * Cancels a training (DEEPaaS's DELETE, which also removes it from the list). DEEPaaS 2.6
     * answers 500 for a running training and closes the connection for a queued one; then the
     * training is looked up again and the outcome says what is known. An unknown training is a
     * DeepaasException with status 404.
     */
    public CancelOutcome cancelTraining(String model, String uuid) {
        String path = trainingPath(model, uuid);
        String fault;
        try {
            HttpResponse<byte[]> response = send("DELETE", path, null, null);
            if (response.statusCode() == 200) {
                return new CancelOutcome(true, read(response, Training.class), "cancelled and removed");
            }
            if (response.statusCode() != 500) {
                throw failure("DELETE", path, response);
            }
            fault = "the server answered 500 to the cancel (DEEPaaS 2.6 does so for a running training)";
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new DeepaasException(DeepaasException.NO_ANSWER, "cannot connect to DEEPaaS at " + base
                    + " to cancel training " + uuid + ": " + e.getMessage(), null, e);
        } catch (IOException e) {
            fault = "the server closed the connection without answering the cancel (DEEPaaS 2.6 does so for a"
                    + " queued training)";
        }
        Training after;
        try {
            after = training(model, uuid);
        } catch (DeepaasException e) {
            if (e.status() == 404) {
                return new CancelOutcome(true, null, fault + "; the training is no longer listed");
            }
            throw new DeepaasException(e.status(), fault + ", and looking the training up again failed: "
                    + e.getMessage(), null, e);
        }
        boolean stopped = after.finished();
        return new CancelOutcome(stopped, after, fault + "; the training is now " + after.status()
                + (stopped ? "" : ": it may still run, check again later"));
    }

    private HttpResponse<byte[]> call(String method, String path, Body body, String accept) {
        try {
            HttpResponse<byte[]> response = send(method, path, body, accept);
            if (response.statusCode() / 100 != 2) {
                throw failure(method, path, response);
            }
            return response;
        } catch (HttpConnectTimeoutException e) {
            throw new DeepaasException(DeepaasException.NO_ANSWER, "cannot connect to DEEPaaS at " + base
                    + " within " + CONNECT_TIMEOUT.toSeconds() + " s", null, e);
        } catch (HttpTimeoutException e) {
            throw new DeepaasException(DeepaasException.NO_ANSWER, method + " " + base.resolve(path)
                    + " got no answer within " + timeout.toSeconds() + " s", null, e);
        } catch (ConnectException e) {
            throw new DeepaasException(DeepaasException.NO_ANSWER, "cannot connect to DEEPaaS at " + base
                    + ": " + (e.getMessage() == null ? "connection refused" : e.getMessage()), null, e);
        } catch (IOException e) {
            throw new DeepaasException(DeepaasException.NO_ANSWER, method + " " + base.resolve(path)
                    + " failed without an answer: " + e, null, e);
        }
    }

    private HttpResponse<byte[]> send(String method, String path, Body body, String accept) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", accept == null ? "application/json" : accept)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (body != null) {
            request.header("Content-Type", body.contentType());
        }
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private DeepaasException failure(String method, String path, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8).trim();
        String where = method + " " + base.resolve(path);
        if (status == 422) {
            try {
                Map<String, List<String>> errors = Json.MAPPER.readValue(response.body(), FIELD_ERRORS);
                StringJoiner summary = new StringJoiner("; ");
                errors.forEach((field, messages) -> summary.add(field + ": " + String.join(" ", messages)));
                return new DeepaasException(status, "invalid arguments for " + where + ": " + summary, errors, null);
            } catch (IOException e) {
                return new DeepaasException(status, where + " answered 422: " + text);
            }
        }
        if (status == 404) {
            return new DeepaasException(status, where + " answered 404: no such model or training"
                    + " (the server lists its models at " + base + "v2/models/)");
        }
        if (status == 308 || status == 301 || status == 302) {
            return new DeepaasException(status, where + " was redirected to "
                    + response.headers().firstValue("Location").orElse("?") + "; is the base URI right?");
        }
        String message = text;
        try {
            JsonNode json = Json.MAPPER.readTree(response.body());
            if (json != null && json.hasNonNull("message")) {
                message = json.get("message").asText();
            }
        } catch (IOException e) {
            // a plain-text body (DEEPaaS answers errors as text) is shown as it is
        }
        return new DeepaasException(status, where + " answered " + status + (message.isEmpty() ? "" : ": " + message));
    }

    private static <T> T read(HttpResponse<byte[]> response, Class<T> type) {
        return read(response, Json.MAPPER.getTypeFactory().constructType(type));
    }

    private static <T> T read(HttpResponse<byte[]> response, TypeReference<T> type) {
        return read(response, Json.MAPPER.getTypeFactory().constructType(type));
    }

    private static <T> T read(HttpResponse<byte[]> response, JavaType type) {
        try {
            return Json.MAPPER.readValue(response.body(), type);
        } catch (IOException e) {
            throw new DeepaasException(response.statusCode(), response.request().method() + " " + response.uri()
                    + " answered a body that is not the expected " + type.getRawClass().getSimpleName() + ": "
                    + e.getMessage(), null, e);
        }
    }

    private static String modelPath(String model) {
        if (model == null || model.isBlank() || model.contains("/")) {
            throw new IllegalArgumentException("model name must be non-empty and without '/': " + model);
        }
        return "v2/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "/";
    }

    private static String trainingPath(String model, String uuid) {
        if (uuid == null || uuid.isBlank() || uuid.contains("/")) {
            throw new IllegalArgumentException("training uuid must be non-empty and without '/': " + uuid);
        }
        // The one DEEPaaS route without a trailing '/'.
        return modelPath(model) + "train/" + URLEncoder.encode(uuid, StandardCharsets.UTF_8);
    }

    private static String query(Map<String, Object> args) {
        if (args.isEmpty()) {
            return "";
        }
        StringJoiner q = new StringJoiner("&", "?", "");
        args.forEach((k, v) -> q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
        return q.toString();
    }

    private static Body json(Map<String, ?> args) {
        try {
            return new Body("application/json", Json.MAPPER.writeValueAsBytes(args));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Body multipart(Map<String, Object> fields, List<FilePart> files) {
        String boundary = "meridian-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quote(name) + "\"\r\n\r\n");
            write(out, String.valueOf(value));
            write(out, "\r\n");
        });
        for (FilePart f : files) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quote(f.field())
                    + "\"; filename=\"" + quote(f.filename()) + "\"\r\nContent-Type: "
                    + (f.contentType() == null ? "application/octet-stream" : f.contentType()) + "\r\n\r\n");
            out.writeBytes(f.content());
            write(out, "\r\n");
        }
        write(out, "--" + boundary + "--\r\n");
        return new Body("multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private record Body(String contentType, byte[] bytes) {
    }
}
