package io.meridian.deepaas.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A training as DEEPaaS reports it. {@code status} is one of {@link #RUNNING}, {@link #DONE},
 * {@link #ERROR} (then {@code message} says why) or {@link #CANCELLED}; {@code result} is set
 * once done. {@code progress} (0..1) and {@code metrics} are extensions of Meridian's Java
 * runtime and are null from a Python DEEPaaS server.
 */
public record Training(String uuid, String date, String status, Map<String, JsonNode> args, String message,
                       TrainingResult result, Double progress, Map<String, Double> metrics) {
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String ERROR = "error";
    public static final String CANCELLED = "cancelled";

    /** True when the training will not change any more. */
    public boolean finished() {
        return !RUNNING.equals(status);
    }
}
