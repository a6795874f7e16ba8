package io.meridian.hub.courses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.catalog.PlatformApiSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks every answer of the course API against platform-api.yaml: the route, method and status must be
 * documented, a JSON body must match the documented schema (errors the shared Error schema), an answer
 * documented without content must have none. Remembers which documented operations were answered.
 */
final class CourseApiSpec {
    private static final String PREFIX = "/api/v1";
    private final JsonNode paths;
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    CourseApiSpec() {
        try {
            paths = new ObjectMapper(new YAMLFactory())
                    .readTree(Path.of("src/main/resources/io/meridian/hub/platform-api.yaml").toFile()).get("paths");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void check(Response response) {
        String path = response.raw().uri().getRawPath();
        if (!path.startsWith(PREFIX + "/courses")) {
            return;
        }
        String method = response.raw().request().method();
        String template = template(path.substring(PREFIX.length()));
        String what = method + " " + path + " (" + template + ") " + response.status();
        JsonNode documented = paths.path(template).path(method.toLowerCase()).path("responses")
                .path(Integer.toString(response.status()));
        if (documented.isMissingNode()) {
            throw new AssertionError(what + " is not documented in platform-api.yaml; body: " + response.body());
        }
        answered.add(method + " " + template);
        if (response.status() >= 400) {
            if (!documented.path("$ref").asText().equals("#/components/responses/Error")) {
                throw new AssertionError(what + " is documented without the Error response");
            }
            assertJson(what, response);
            PlatformApiSpec.assertError(response.json());
        } else if (documented.has("content")) {
            assertJson(what, response);
            PlatformApiSpec.assertMatches(method, template, response.status(), response.json());
        } else if (!response.body().isEmpty()) {
            throw new AssertionError(what + " is documented without content but has a body: " + response.body());
        }
    }

    /** The documented course operations that no checked answer came from, e.g. {@code "DELETE /courses/{course}"}. */
    Set<String> unanswered() {
        Set<String> missing = new TreeSet<>();
        paths.properties().forEach(path -> {
            if (path.getKey().startsWith("/courses")) {
                path.getValue().properties().forEach(operation -> {
                    String method = operation.getKey().toUpperCase();
                    if (!method.equals("PARAMETERS") && !answered.contains(method + " " + path.getKey())) {
                        missing.add(method + " " + path.getKey());
                    }
                });
            }
        });
        return missing;
    }

    private static void assertJson(String what, Response response) {
        String type = response.header("Content-Type").orElse("");
        if (!type.startsWith("application/json")) {
            throw new AssertionError(what + " answered " + type + " instead of application/json: " + response.body());
        }
    }

    /** The document's path that {@code path} is an instance of, preferring literal segments over parameters. */
    private String template(String path) {
        String[] segments = path.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        List<String> templates = new ArrayList<>();
        paths.fieldNames().forEachRemaining(templates::add);
        for (String template : templates) {
            String[] parts = template.split("/", -1);
            if (parts.length != segments.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
                    matches = !segments[i].isEmpty();
                } else {
                    matches = parts[i].equals(segments[i]);
                    literals++;
                }
            }
            if (matches && literals > bestLiterals) {
                best = template;
                bestLiterals = literals;
            }
        }
        if (best == null) {
            throw new AssertionError(path + " matches no path of platform-api.yaml");
        }
        return best;
    }
}
