package io.meridian.kernel.comm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.kernel.wire.Message;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** The kernel's comms: registered targets, open comms, and the comm_* messages between them and the frontend. */
public final class CommManager {

    private final Map<String, CommTarget> targets = new ConcurrentHashMap<>();
    private final Map<String, Comm> comms = new ConcurrentHashMap<>();
    private final BiConsumer<String, ObjectNode> publisher;

    /** @param publisher sends an iopub message of the given type with the given content */
    public CommManager(BiConsumer<String, ObjectNode> publisher) {
        this.publisher = publisher;
    }

    public void registerTarget(String targetName, CommTarget target) {
        targets.put(targetName, target);
    }

    /** Opens a comm from the kernel side to a frontend target. */
    public Comm open(String targetName, Object data) {
        Comm comm = new Comm(UUID.randomUUID().toString().replace("-", ""), targetName, this);
        comms.put(comm.id(), comm);
        ObjectNode content = Message.object();
        content.put("comm_id", comm.id());
        content.put("target_name", targetName);
        content.set("data", Message.JSON.valueToTree(data == null ? Message.object() : data));
        publish("comm_open", content);
        return comm;
    }

    /** comm_info_reply content: open comms, optionally only those of one target. */
    public ObjectNode info(String targetName) {
        ObjectNode result = Message.object();
        comms.values().stream()
                .filter(c -> targetName == null || targetName.isEmpty() || c.targetName().equals(targetName))
                .forEach(c -> result.putObject(c.id()).put("target_name", c.targetName()));
        return result;
    }

    /** Handles comm_open from the frontend; an unknown target gets the comm closed again, as the spec asks. */
    public void handleOpen(JsonNode content) {
        String id = content.path("comm_id").asText("");
        String targetName = content.path("target_name").asText("");
        CommTarget target = targets.get(targetName);
        if (id.isEmpty() || target == null) {
            ObjectNode close = Message.object();
            close.put("comm_id", id);
            close.putObject("data").put("error", "no comm target named '" + targetName + "' in this kernel");
            publish("comm_close", close);
            return;
        }
        Comm comm = new Comm(id, targetName, this);
        comms.put(id, comm);
        target.opened(comm, content.path("data"));
    }

    /** Handles comm_msg; returns false when the comm is unknown. */
    public boolean handleMessage(JsonNode content) {
        Comm comm = comms.get(content.path("comm_id").asText(""));
        if (comm == null) {
            return false;
        }
        comm.received(content.path("data"));
        return true;
    }

    public boolean handleClose(JsonNode content) {
        Comm comm = comms.remove(content.path("comm_id").asText(""));
        if (comm == null) {
            return false;
        }
        comm.closedByFrontend(content.path("data"));
        return true;
    }

    void publish(String type, ObjectNode content) {
        publisher.accept(type, content);
    }

    void forget(String id) {
        comms.remove(id);
    }
}
