package io.meridian.kernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/** One Jupyter message: routing identities, the four JSON parts and optional binary buffers. */
public record Message(List<byte[]> identities, ObjectNode header, ObjectNode parentHeader,
                      ObjectNode metadata, ObjectNode content, List<byte[]> buffers) {

    public static final String PROTOCOL_VERSION = "5.4";
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public String type() {
        return header.path("msg_type").asText("");
    }

    public String id() {
        return header.path("msg_id").asText("");
    }

    /** A new message of the given type whose parent is {@code parent} (may be null), sent on the same session. */
    public static Message create(String type, Message parent, String session, ObjectNode content) {
        ObjectNode header = JSON.createObjectNode();
        header.put("msg_id", UUID.randomUUID().toString());
        header.put("session", session);
        header.put("username", parent == null ? "kernel" : parent.header.path("username").asText("kernel"));
        header.put("date", DATE.format(Instant.now()));
        header.put("msg_type", type);
        header.put("version", PROTOCOL_VERSION);
        ObjectNode parentHeader = parent == null ? JSON.createObjectNode() : parent.header.deepCopy();
        List<byte[]> identities = parent == null ? List.of() : parent.identities;
        return new Message(identities, header, parentHeader, JSON.createObjectNode(), content, List.of());
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public JsonNode get(String contentField) {
        return content.path(contentField);
    }
}
