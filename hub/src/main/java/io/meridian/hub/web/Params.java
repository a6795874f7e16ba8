package io.meridian.hub.web;

import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/** Query and path parameters, checked where they are read. */
public final class Params {
    private Params() {
    }

    public static String path(ServerRequest request, String name) {
        return request.path().pathParameters().get(name);
    }

    public static Optional<String> query(ServerRequest request, String name) {
        return request.query().first(name).asOptional();
    }

    /** A non-negative integer query parameter. */
    public static int integer(ServerRequest request, String name, int defaultValue) {
        Optional<String> value = query(request, name);
        if (value.isEmpty() || value.get().isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < 0) {
                throw ApiException.badRequest(name + " must not be negative");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer");
        }
    }

    /** A flag: present without value, or true/1, means true (JupyterHub's allowEmptyValue booleans). */
    public static boolean flag(ServerRequest request, String name) {
        if (!request.query().contains(name)) {
            return false;
        }
        String value = query(request, name).orElse("");
        return !(value.equalsIgnoreCase("false") || value.equals("0"));
    }
}
