package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Validates hub responses against JupyterHub's published OpenAPI 3.1 spec
 * ({@code ../../shared/specs/jupyterhub-rest-api.yml}): the response schema of an operation is
 * addressed by JSON pointer inside the spec and checked as JSON Schema 2020-12 (OpenAPI 3.1's dialect).
 */
public final class SpecValidator {
    private static final Path SPEC = Path.of(System.getProperty("meridian.spec", "../../shared/specs/jupyterhub-rest-api.yml"))
            .toAbsolutePath().normalize();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private SpecValidator() {
    }

    /**
     * Asserts {@code body} matches the spec's schema for {@code method path} answering {@code status}.
     *
     * @param path the spec's path template, e.g. {@code /users/{name}}
     */
    public static void assertMatches(String method, String path, int status, JsonNode body) {
        if (!Files.isRegularFile(SPEC)) {
            throw new AssertionError("JupyterHub spec not found at " + SPEC + " (CI lays shared/ beside the repository)");
        }
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase() + "/responses/" + status
                + "/content/application~1json/schema";
        JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(SPEC.toUri() + "#" + pointer));
        Set<ValidationMessage> errors = schema.validate(body);
        if (!errors.isEmpty()) {
            throw new AssertionError(method + " " + path + " " + status + " does not match the JupyterHub spec: "
                    + errors + "\nbody: " + body);
        }
    }

    private static String escape(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }
}
