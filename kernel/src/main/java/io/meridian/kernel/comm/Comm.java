package io.meridian.kernel.comm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.kernel.wire.Message;
import java.util.function.Consumer;

/** One open comm: a channel between kernel-side code and a frontend widget or extension. */
public final class Comm {

    private final String id;
    private final String targetName;
    private final CommManager manager;
    private volatile Consumer<JsonNode> onMessage = data -> { };
    private volatile Consumer<JsonNode> onClose = data -> { };
    private volatile boolean closed;

    Comm(String id, String targetName, CommManager manager) {
        this.id = id;
        this.targetName = targetName;
        this.manager = manager;
    }

    public String id() {
        return id;
    }

    public String targetName() {
        return targetName;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Handles comm_msg data sent by the frontend. */
    public Comm onMessage(Consumer<JsonNode> handler) {
        this.onMessage = handler;
        return this;
    }

    /** Handles the frontend closing this comm. */
    public Comm onClose(Consumer<JsonNode> handler) {
        this.onClose = handler;
        return this;
    }

    /** Sends data (any Jackson-serialisable object) to the frontend. */
    public void send(Object data) {
        if (closed) {
            throw new IllegalStateException("comm " + id + " is closed");
        }
        ObjectNode content = Message.object();
        content.put("comm_id", id);
        content.set("data", Message.JSON.valueToTree(data == null ? Message.object() : data));
        manager.publish("comm_msg", content);
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ObjectNode content = Message.object();
        content.put("comm_id", id);
        content.set("data", Message.object());
        manager.publish("comm_close", content);
        manager.forget(id);
    }

    void received(JsonNode data) {
        onMessage.accept(data);
    }

    void closedByFrontend(JsonNode data) {
        closed = true;
        onClose.accept(data);
    }
}
