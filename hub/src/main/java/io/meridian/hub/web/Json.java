package io.meridian.hub.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** The hub's one JSON mapper and the helpers every API handler uses to read bodies and write answers. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private Json() {
    }

    /** Times as JupyterHub writes them: UTC ISO-8601 with a Z. */
    public static String time(Instant instant) {
        return instant == null ? null : UTC.format(instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The request body as JSON; an empty body gives null. Malformed JSON is the caller's error (400). */
    public static JsonNode body(ServerRequest request) {
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length == 0 || new String(bytes).isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.badRequest("request body is not valid JSON");
        }
    }

    /** Like {@link #body} but requires a JSON object (or nothing, answered as an empty object). */
    public static ObjectNode objectBody(ServerRequest request) {
        JsonNode body = body(request);
        if (body == null) {
            return object();
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        return (ObjectNode) body;
    }

    public static void send(ServerResponse response, int status, Object body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        try {
            response.send(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public static void ok(ServerResponse response, Object body) {
        send(response, 200, body);
    }

    public static byte[] errorBytes(int status, String message) {
        try {
            return MAPPER.writeValueAsBytes(Map.of("status", status, "message", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public static Map<String, Object> readMap(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = MAPPER.readValue(json, Map.class);
            return map;
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }
}
