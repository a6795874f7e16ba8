package io.meridian.oscar;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How the client proves who it is to OSCAR: HTTP basic auth (the cluster's user) or an OIDC
 * bearer token (EGI Check-in, Keycloak). {@code toString} never shows the secret.
 */
public sealed interface OscarAuth {

    /** The value of the Authorization header. */
    String header();

    static OscarAuth basic(String user, String password) {
        return new Basic(user, password);
    }

    static OscarAuth bearer(String token) {
        return new Bearer(token);
    }

    /** OSCAR's cluster credentials. */
    record Basic(String user, String password) implements OscarAuth {
        public Basic {
            if (user == null || user.isEmpty() || user.contains(":")) {
                throw new IllegalArgumentException("OSCAR basic auth needs a user name without ':'");
            }
            if (password == null) {
                throw new IllegalArgumentException("OSCAR basic auth needs a password");
            }
        }

        @Override
        public String header() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[user=" + user + ", password=***]";
        }
    }

    /** An OIDC access token (or a service's own token, for invoking that service). */
    record Bearer(String token) implements OscarAuth {
        public Bearer {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("OSCAR bearer auth needs a token");
            }
        }

        @Override
        public String header() {
            return "Bearer " + token;
        }

        @Override
        public String toString() {
            return "Bearer[***]";
        }
    }
}
