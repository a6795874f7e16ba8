package io.meridian.oscar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import java.util.List;
import java.util.Objects;

/**
 * A client of the OSCAR REST API (v3/v4): services, synchronous and asynchronous invocation,
 * job logs, cluster info and health. It follows what real OSCAR servers do where the Swagger
 * spec is silent: error bodies are plain text or empty, creating a service or a job answers
 * 201 with an empty body, and the log routes have no trailing slash. Failures are
 * {@link OscarException}s whose message says what to do next.
 */
public final class OscarClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<List<Service>> SERVICE_LIST = new TypeReference<>() {
    };

    private final URI endpoint;
    private final OscarAuth auth;
    private final Duration timeout;
    private final HttpClient http;

    private OscarClient(URI endpoint, OscarAuth auth, Duration timeout, HttpClient http) {
        this.endpoint = endpoint;
        this.auth = auth;
        this.timeout = timeout;
        this.http = http;
    }

    /** A client of the OSCAR cluster at {@code endpoint} (e.g. https://oscar.example.org). */
    public static OscarClient connect(URI endpoint, OscarAuth auth) {
        Objects.requireNonNull(auth, "auth");
        if (endpoint == null || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
            throw new IllegalArgumentException("OSCAR endpoint must be an http(s) URI: " + endpoint);
        }
        String s = endpoint.toString();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        return new OscarClient(URI.create(s.endsWith("/") ? s : s + "/"), auth, Duration.ofSeconds(60), http);
    }

    /** The same client with another limit per request (a synchronous run may need several minutes). */
    public OscarClient withTimeout(Duration requestTimeout) {
        return new OscarClient(endpoint, auth, requestTimeout, http);
    }

    /** {@code GET /health}: "Ok" when OSCAR is up; needs no credentials. */
    public String health() {
        return text(call("GET", "health", null, null, null));
    }

    public ClusterInfo info() {
        return read(call("GET", "system/info", null, null, auth), JSON.constructType(ClusterInfo.class));
    }

    public List<Service> services() {
        return read(call("GET", "system/services", null, null, auth), JSON.getTypeFactory().constructType(SERVICE_LIST));
    }

    public Service service(String name) {
        return read(call("GET", "system/services/" + path(name), null, null, auth), JSON.constructType(Service.class));
    }

    /** Creates a service; OSCAR answers 201 with an empty body, so read it back with {@link #service}. */
    public void createService(Service service) {
        call("POST", "system/services", json(service.validate()), "application/json", auth);
    }

    /** Replaces a service's definition (OSCAR's PUT /system/services, 204). */
    public void updateService(Service service) {
        call("PUT", "system/services", json(service.validate()), "application/json", auth);
    }

    public void deleteService(String name) {
        call("DELETE", "system/services/" + path(name), null, null, auth);
    }

    /**
     * Invokes a service synchronously and returns what its script wrote. {@code /run} takes a
     * bearer token only: the OIDC token when the client has one, else the service's own token
     * (read from its definition with the basic credentials).
     */
    public byte[] run(String service, byte[] payload) {
        return call("POST", "run/" + path(service), payload, "application/octet-stream", invocationAuth(service)).body();
    }

    /** Starts an asynchronous job (201, empty body); follow it with {@link #jobs} and {@link #jobLog}. */
    public void submitJob(String service, byte[] payload) {
        call("POST", "job/" + path(service), payload, "application/octet-stream", invocationAuth(service));
    }

    public JobList jobs(String service) {
        return read(call("GET", "system/logs/" + path(service), null, null, auth), JSON.constructType(JobList.class));
    }

    public String jobLog(String service, String job) {
        return text(call("GET", "system/logs/" + path(service) + "/" + jobPath(job), null, null, auth));
    }

    public void deleteJob(String service, String job) {
        call("DELETE", "system/logs/" + path(service) + "/" + jobPath(job), null, null, auth);
    }

    /** Deletes the service's finished jobs, or every job when {@code all}. */
    public void deleteJobs(String service, boolean all) {
        call("DELETE", "system/logs/" + path(service) + (all ? "?all=true" : ""), null, null, auth);
    }

    private OscarAuth invocationAuth(String service) {
        if (auth instanceof OscarAuth.Bearer) {
            return auth;
        }
        String token = service(service).token();
        if (token == null || token.isBlank()) {
            throw new OscarException(200, "OSCAR did not return a token for service '" + service
                    + "', so it cannot be invoked with basic credentials; use an OIDC token", null);
        }
        return OscarAuth.bearer(token);
    }

    private HttpResponse<byte[]> call(String method, String path, byte[] body, String contentType, OscarAuth as) {
        URI uri = endpoint.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (as != null) {
            request.header("Authorization", as.header());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new OscarException(OscarException.NO_ANSWER, "cannot reach OSCAR at " + endpoint + ": no connection"
                    + " within " + CONNECT_TIMEOUT.toSeconds() + " s; check the endpoint and the network", e);
        } catch (ConnectException e) {
            throw new OscarException(OscarException.NO_ANSWER, "cannot reach OSCAR at " + endpoint
                    + ": connection refused; check the endpoint and that OSCAR is running", e);
        } catch (HttpTimeoutException e) {
            throw new OscarException(OscarException.NO_ANSWER, method + " " + uri + ": OSCAR did not answer within "
                    + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new OscarException(OscarException.NO_ANSWER, method + " " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OscarException(OscarException.NO_ANSWER, method + " " + uri + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response;
        }
        String reason = new String(response.body(), StandardCharsets.UTF_8).trim();
        String detail = reason.isEmpty() ? "" : ": " + reason;
        String where = method + " " + uri;
        switch (status) {
            case 401:
                throw new OscarException(status, "OSCAR refused the credentials (" + as + ") for " + where
                        + " (401)" + detail + "; check the user and password, or renew the OIDC token", null);
            case 403:
                throw new OscarException(status, where + " is forbidden for these credentials (403)" + detail, null);
            case 404:
                throw new OscarException(status, where + " found nothing (404)" + detail
                        + "; check the service or job name", null);
            default:
                throw new OscarException(status, where + " failed with " + status + detail, null);
        }
    }

    private static <T> T read(HttpResponse<byte[]> response, JavaType type) {
        try {
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new OscarException(response.statusCode(), response.request().method() + " " + response.uri()
                    + " answered a body that is not " + type.getRawClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static byte[] json(Service service) {
        try {
            return JSON.writeValueAsBytes(service);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("service cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String path(String serviceName) {
        return Service.requireValidName(serviceName);
    }

    private static String jobPath(String job) {
        if (job == null || job.isBlank() || job.contains("/")) {
            throw new IllegalArgumentException("job name must be non-empty and without '/': " + job);
        }
        return URLEncoder.encode(job, StandardCharsets.UTF_8);
    }
}
