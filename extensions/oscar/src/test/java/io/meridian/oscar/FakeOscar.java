package io.meridian.oscar;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for an OSCAR cluster, which cannot run on this machine (it needs Kubernetes, Knative
 * and MinIO): an in-memory OSCAR that keeps services and jobs, answers the way real OSCAR does
 * (201 with an empty body on create and job, plain-text or empty errors), and checks EVERY
 * request it receives and every response it sends against OSCAR's Swagger 2.0 spec with the
 * Atlassian OpenAPI validator. Test classes assert that {@link #violations()} stays empty.
 */
final class FakeOscar implements AutoCloseable {
    static final String USER = "oscar";
    static final String PASSWORD = "s3cret-pass";
    static final String OIDC_TOKEN = "oidc-access-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final OpenApiInteractionValidator validator;
    private final Map<String, ObjectNode> services = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> jobLogs = new LinkedHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeOscar() throws IOException {
        String spec;
        try (InputStream in = FakeOscar.class.getResourceAsStream("/oscar-swagger.yaml")) {
            spec = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(spec)
                .withLevelResolver(LevelResolver.create()
                        // Real OSCAR answers 201/204 with an empty body where the spec declares a string
                        // schema (shared/specs/README.md); the recording wins over the spec.
                        .withLevel("validation.response.body.missing", ValidationReport.Level.IGNORE)
                        .build())
                .build();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    List<String> violations() {
        return violations;
    }

    /** The violations so far, forgotten afterwards (for the test that checks the checker). */
    List<String> takeViolations() {
        List<String> taken = List.copyOf(violations);
        violations.clear();
        return taken;
    }

    String tokenOf(String service) {
        synchronized (services) {
            return services.get(service).get("token").asText();
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private record Answer(int status, String contentType, byte[] body) {
        static Answer json(Object value) throws IOException {
            return new Answer(200, "application/json", JSON.writeValueAsBytes(value));
        }

        static Answer text(int status, String text) {
            return new Answer(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }

        static Answer empty(int status) {
            return new Answer(status, null, new byte[0]);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            requests.add(method + " " + ex.getRequestURI());
            validate(ex, method, path, body);
            Answer answer;
            synchronized (services) {
                answer = answer(ex, method, path, body);
            }
            SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.status());
            if (answer.contentType() != null) {
                response.withContentType(answer.contentType());
                ex.getResponseHeaders().set("Content-Type", answer.contentType());
            }
            if (answer.body().length > 0) {
                response.withBody(answer.body());
            }
            report("response to " + method + " " + path,
                    validator.validateResponse(path, Request.Method.valueOf(method), response.build()),
                    answer.status() >= 400);
            ex.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        }
    }

    private void validate(HttpExchange ex, String method, String path, byte[] body) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, path);
        ex.getRequestHeaders().forEach((name, values) -> request.withHeader(name, values));
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                request.withQueryParam(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        if (body.length > 0) {
            request.withBody(body);
        }
        report("request " + method + " " + path, validator.validateRequest(request.build()), false);
    }

    /**
     * Records the validator's errors. Real OSCAR writes error bodies as plain text even where the
     * spec says every answer of the route is application/json, so for error answers only the
     * Content-Type is let through.
     */
    private void report(String what, ValidationReport report, boolean errorAnswer) {
        report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .filter(m -> !(errorAnswer && m.getKey().equals("validation.response.contentType.notAllowed")))
                .forEach(m -> violations.add(what + ": " + m.getKey() + " " + m.getMessage()));
    }

    private Answer answer(HttpExchange ex, String method, String path, byte[] body) throws IOException {
        String[] p = path.substring(1).split("/");
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        if (path.equals("/health")) {
            return Answer.text(200, "Ok");
        }
        boolean invocation = p[0].equals("run") || p[0].equals("job");
        if (!authorised(authorization, invocation && p.length > 1 ? p[1] : null)) {
            return Answer.empty(401);
        }
        if (invocation) {
            ObjectNode service = services.get(p[1]);
            if (service == null) {
                return Answer.text(404, "service '" + p[1] + "' not found");
            }
            if (p[0].equals("run")) {
                return new Answer(200, "text/plain; charset=utf-8",
                        (p[1] + " processed " + body.length + " bytes").getBytes(StandardCharsets.UTF_8));
            }
            String job = p[1] + "-" + UUID.randomUUID().toString().substring(0, 5);
            jobLogs.computeIfAbsent(p[1], k -> new LinkedHashMap<>()).put(job, "job " + job + " read " + body.length
                    + " bytes\n");
            return Answer.empty(201);
        }
        String route = method + " " + String.join("/", List.of(p).subList(0, Math.min(2, p.length)));
        switch (route) {
            case "GET system/info":
                return Answer.json(JSON.readTree("{\"version\":\"v3.6.5\",\"git_commit\":\"f1a2b3c\",\"architecture\":"
                        + "\"amd64\",\"kubernetes_version\":\"v1.33.1\",\"serverless_backend\":{\"name\":\"Knative\","
                        + "\"version\":\"1.17\"}}"));
            case "GET system/services":
                if (p.length == 2) {
                    return Answer.json(new ArrayList<>(services.values()));
                }
                ObjectNode found = services.get(p[2]);
                return found == null ? Answer.text(404, "") : Answer.json(found);
            case "POST system/services": {
                ObjectNode service = (ObjectNode) JSON.readTree(body);
                String name = service.path("name").asText();
                service.put("token", UUID.randomUUID().toString().replace("-", ""));
                service.put("owner", authorization.startsWith("Basic") ? "cluster_admin" : "oidc-user@egi.eu");
                services.put(name, service);
                return Answer.empty(201);
            }
            case "PUT system/services": {
                ObjectNode service = (ObjectNode) JSON.readTree(body);
                ObjectNode old = services.get(service.path("name").asText());
                if (old == null) {
                    return Answer.text(404, "the service does not exist");
                }
                service.set("token", old.get("token"));
                service.set("owner", old.get("owner"));
                services.put(service.path("name").asText(), service);
                return Answer.empty(204);
            }
            case "DELETE system/services":
                return services.remove(p[2]) == null ? Answer.text(404, "") : Answer.empty(204);
            case "GET system/logs": {
                Map<String, String> logs = jobLogs.get(p[2]);
                if (!services.containsKey(p[2])) {
                    return Answer.text(404, "service not found");
                }
                if (p.length == 4) {
                    String log = logs == null ? null : logs.get(URLDecoder.decode(p[3], StandardCharsets.UTF_8));
                    return log == null ? Answer.text(404, "job not found") : Answer.text(200, log);
                }
                ObjectNode list = JSON.createObjectNode();
                ObjectNode jobs = list.putObject("jobs");
                if (logs != null) {
                    logs.keySet().forEach(job -> jobs.putObject(job).put("status", "Succeeded")
                            .put("creation_time", "2026-11-29T21:00:00Z").put("start_time", "2026-11-29T21:00:01Z")
                            .put("finish_time", "2026-11-29T21:00:03Z"));
                }
                list.put("remaining_jobs", 0);
                return Answer.json(list);
            }
            case "DELETE system/logs": {
                Map<String, String> logs = jobLogs.getOrDefault(p[2], new LinkedHashMap<>());
                if (p.length == 4) {
                    return logs.remove(p[3]) == null ? Answer.text(404, "job not found") : Answer.empty(204);
                }
                logs.clear();
                return Answer.empty(204);
            }
            default:
                return Answer.text(404, "404 page not found");
        }
    }

    private boolean authorised(String header, String invokedService) {
        if (header == null) {
            return false;
        }
        if (header.equals("Bearer " + OIDC_TOKEN)) {
            return true;
        }
        if (invokedService != null) {
            ObjectNode s = services.get(invokedService);
            return s != null && header.equals("Bearer " + s.get("token").asText());
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return header.equals(basic);
    }
}
