package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.nio.file.Path;
import java.util.Set;

/** Checks answers of the platform API against its own OpenAPI 3.1 document (the one the hub serves). */
public final class PlatformApiSpec {
    private static final Path DOCUMENT = Path.of("src/main/resources/io/meridian/hub/platform-api.yaml").toAbsolutePath();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private PlatformApiSpec() {
    }

    /** Error answers share one schema, referenced from every operation. */
    public static void assertError(JsonNode body) {
        check(DOCUMENT.toUri() + "#/components/schemas/Error", "error", body);
    }

    /** @param path the document's path template, e.g. {@code /catalog/modules/{id}} */
    public static void assertMatches(String method, String path, int status, JsonNode body) {
        String pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method.toLowerCase()
                + "/responses/" + status + "/content/application~1json/schema";
        check(DOCUMENT.toUri() + "#" + pointer, method + " " + path + " " + status, body);
    }

    private static void check(String location, String what, JsonNode body) {
        JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(location));
        Set<ValidationMessage> errors = schema.validate(body);
        if (!errors.isEmpty()) {
            throw new AssertionError(what + " does not match platform-api.yaml: " + errors + "\nbody: " + body);
        }
    }
}
