package io.meridian.kernel.display;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.kernel.wire.Message;

/** A JSON value shown as application/json; built from JSON text or from any Jackson-serialisable object. */
public record Json(JsonNode value, String text) {

    public static Json of(Object value) {
        try {
            JsonNode node = value instanceof String s ? Message.JSON.readTree(s) : Message.JSON.valueToTree(value);
            return new Json(node, node.toPrettyString());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
