package io.meridian.deepaas.client;

import java.util.List;
import java.util.Map;

/**
 * Any failure talking to a DEEPaaS server: {@code status} is the HTTP status, or -1 when no
 * answer came (connection refused or closed, timeout). A 422 carries the server's errors per
 * argument in {@code fieldErrors}.
 */
public final class DeepaasException extends RuntimeException {
    public static final int NO_ANSWER = -1;

    private final int status;
    private final Map<String, List<String>> fieldErrors;

    public DeepaasException(int status, String message, Map<String, List<String>> fieldErrors, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.fieldErrors = fieldErrors == null ? Map.of() : Map.copyOf(fieldErrors);
    }

    public DeepaasException(int status, String message) {
        this(status, message, null, null);
    }

    public int status() {
        return status;
    }

    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }
}
