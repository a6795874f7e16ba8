package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.meridian.hub.web.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * Checks module metadata against the AI4OS metadata schema v2.3.0 (JSON Schema 2020-12). Extra fields
 * are fine, as in the schema itself. Formats ("uri", "date", ...) are annotations only, as JSON Schema
 * 2020-12 and AI4OS's own validator treat them: real modules give {@code links.docker_image} as a bare
 * image name, which is not a URI.
 */
public final class MetadataValidator {
    static final String SCHEMA_RESOURCE = "ai4-metadata-v2.3.0.schema.json";
    private final JsonSchema schema;

    public MetadataValidator() {
        try (InputStream in = MetadataValidator.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the AI4OS metadata schema is missing from the hub's jar");
            }
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(in);
            // The file names the draft with http://, which the validator's registry knows as https://.
            node.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();
            // AI4OS annotates fields with "example" and "user_friendly": documentation, not rules.
            JsonMetaSchema dialect = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .keywords(List.of(new NonValidationKeyword("example"), new NonValidationKeyword("user_friendly")))
                    .build();
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(dialect))
                    .getSchema(node, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the AI4OS metadata schema", e);
        }
    }

    /** The reasons {@code metadata} is not valid, one readable line each; empty when it is valid. */
    public List<String> problems(JsonNode metadata) {
        return schema.validate(metadata).stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage))
                .map(ValidationMessage::getMessage)
                .toList();
    }
}
