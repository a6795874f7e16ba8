package io.meridian.hub.web;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;

/**
 * Turns every failure into {@code {"status": code, "message": "..."}}: our own {@link ApiException},
 * Helidon's protocol-level rejections (oversized payload, bad request line), unknown routes and
 * unexpected exceptions (logged here, shown to the caller without a stack trace).
 */
public final class ErrorHandling {
    private static final System.Logger LOG = System.getLogger(ErrorHandling.class.getName());

    private ErrorHandling() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, ErrorHandling::apiError)
                .error(RequestException.class, (req, res, e) -> write(res, e.status().code(), e.getMessage()))
                .error(Throwable.class, ErrorHandling::unexpected);
    }

    /** The last route: anything no service answered. */
    public static void notFound(ServerRequest request, ServerResponse response) {
        write(response, 404, "not found: " + request.prologue().method().text() + " " + request.path().rawPath());
    }

    /** JSON for errors Helidon answers before routing (413 payload too large, 400 bad request line, ...). */
    public static DirectHandlers directHandlers() {
        DirectHandler json = (request, eventType, status, headers, message) -> {
            headers.set(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            String text = status.code() == 413 ? "request body too large" : status.reasonPhrase();
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .entity(Json.errorBytes(status.code(), text))
                    .build();
        };
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, json);
        }
        return builder.build();
    }

    public static void write(ServerResponse response, int status, String message) {
        if (response.isSent()) {
            return;
        }
        Json.send(response, status, new ErrorBody(status, message));
    }

    private static void apiError(ServerRequest request, ServerResponse response, ApiException e) {
        if (e.retryAfterSeconds() != null) {
            response.header(HeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        }
        write(response, e.status(), e.getMessage());
    }

    private static void unexpected(ServerRequest request, ServerResponse response, Throwable e) {
        LOG.log(Level.ERROR, "request " + request.prologue().method().text() + " " + request.path().rawPath() + " failed", e);
        write(response, 500, "internal error; the hub log has the details");
    }

    /** The error body every API client sees. */
    public record ErrorBody(int status, String message) {
    }
}
