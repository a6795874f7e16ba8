package io.meridian.hub.web;

/** The one error type of the hub's HTTP edge: a status and a message safe to show to the caller. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    private ApiException(int status, String message, String retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    /** A service the hub depends on (Keycloak, a backend) failed or refused the hub; not the caller's fault. */
    public static ApiException badGateway(String message) {
        return new ApiException(502, message);
    }

    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, message, Long.toString(Math.max(1, retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    /** Seconds for a Retry-After header, or null. */
    public String retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
